package io.zerodowntime.sample;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.zerodowntime.reload.Generation;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events at {@code /ticks}: a tick naming who sent it, every
 * {@code interval} milliseconds, until the client goes away (the stream has no timeout of
 * its own).
 *
 * @author zerodowntime
 */
@RestController
class TickController implements DisposableBean {

	private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

	private final String identity;

	TickController() {
		Generation generation = Generation.current();
		this.identity = "pid=" + generation.pid() + " generation=" + generation.number();
	}

	@GetMapping(path = "/ticks", produces = "text/event-stream")
	SseEmitter ticks(@RequestParam(defaultValue = "200") long interval) {
		SseEmitter emitter = new SseEmitter(0L);
		AtomicLong count = new AtomicLong();
		ScheduledFuture<?> ticks = this.ticker.scheduleAtFixedRate(() -> {
			try {
				emitter.send(SseEmitter.event().id(Long.toString(count.incrementAndGet())).data(this.identity));
			}
			catch (IOException | IllegalStateException ex) {
				// the stream has ended; its completion callback cancels the ticks
			}
		}, 0, Math.max(interval, 10), TimeUnit.MILLISECONDS);
		emitter.onCompletion(() -> ticks.cancel(false));
		emitter.onError((ex) -> ticks.cancel(false));
		emitter.onTimeout(() -> ticks.cancel(false));
		return emitter;
	}

	@Override
	public void destroy() {
		this.ticker.shutdownNow();
	}

}
