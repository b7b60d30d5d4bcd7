package io.zerodowntime.internal.warmup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Sends the warm-up requests to a {@link WarmUpListener} with the JDK's
 * {@link HttpClient}: a few at a time, each client on a fresh connection every few
 * requests, so that TLS handshakes and connection set-up are warmed as well as request
 * handling. Bounded by a deadline; what has not been sent by then is not.
 *
 * @author zerodowntime
 */
final class WarmUpRequests {

	/**
	 * A header on every warm-up request, so that an application can tell them apart (in an
	 * access log, or to skip them in its own statistics).
	 */
	static final String HEADER = "X-Zerodowntime-Warm-Up";

	private static final int CONCURRENCY = 4;

	private static final int REQUESTS_PER_CONNECTION = 5;

	private final WarmUpListener listener;

	private final List<String> paths;

	private final int requests;

	private final long endOfDuration;

	private final AtomicInteger next = new AtomicInteger();

	private final AtomicInteger answered = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicReference<@Nullable String> firstFailure = new AtomicReference<>();

	private WarmUpRequests(WarmUpListener listener, List<String> paths, int requests, long endOfDuration) {
		this.listener = listener;
		this.paths = paths;
		this.requests = requests;
		this.endOfDuration = endOfDuration;
	}

	/**
	 * Send the requests, the paths in turn, until all are answered and the duration has
	 * passed, or the timeout passes.
	 * @return what happened
	 */
	static Result send(WarmUpListener listener, List<String> paths, int requests, Duration duration,
			Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		return new WarmUpRequests(listener, paths, requests, start + duration.toNanos()).send(start, timeout);
	}

	private Result send(long start, Duration timeout) throws InterruptedException {
		long deadline = start + timeout.toNanos();
		AtomicInteger threads = new AtomicInteger();
		ExecutorService workers = Executors.newFixedThreadPool(CONCURRENCY, (task) -> {
			Thread thread = new Thread(task, "zerodowntime-warm-up-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		try {
			for (int i = 0; i < CONCURRENCY; i++) {
				workers.execute(() -> sendUntil(deadline));
			}
			workers.shutdown();
			// a request in flight at the deadline ends at its own timeout, which is the deadline
			workers.awaitTermination(timeout.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
		}
		finally {
			workers.shutdownNow();
		}
		int sent = this.answered.get() + this.failed.get();
		return new Result(sent, this.failed.get(), Math.max(0, this.requests - sent), this.connections.get(),
				this.firstFailure.get(), Duration.ofNanos(System.nanoTime() - start));
	}

	private void sendUntil(long deadline) {
		HttpClient client = null;
		int onThisConnection = 0;
		try {
			int index;
			while ((index = this.next.getAndIncrement()) < this.requests || isWithinDuration()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return;
				}
				if (client == null || onThisConnection == REQUESTS_PER_CONNECTION) {
					close(client);
					client = newClient(remaining);
					onThisConnection = 0;
				}
				onThisConnection++;
				send(client, this.paths.get(index % this.paths.size()), Duration.ofNanos(remaining));
			}
		}
		catch (GeneralSecurityException ex) {
			fail("no TLS client context: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			close(client);
		}
	}

	private boolean isWithinDuration() {
		return System.nanoTime() - this.endOfDuration < 0;
	}

	private void send(HttpClient client, String path, Duration timeout) throws InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.listener.baseUri() + path))
			.header(HEADER, "true")
			.timeout(timeout)
			.GET()
			.build();
		try {
			int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			if (status >= 500) {
				fail("GET " + path + " answered " + status);
			}
			else {
				this.answered.incrementAndGet();
			}
		}
		catch (IOException | RuntimeException ex) {
			fail("GET " + path + " failed: " + ex);
		}
	}

	private void fail(String failure) {
		this.failed.incrementAndGet();
		this.firstFailure.compareAndSet(null, failure);
	}

	private HttpClient newClient(long remainingNanos) throws GeneralSecurityException {
		this.connections.incrementAndGet();
		HttpClient.Builder builder = HttpClient.newBuilder()
			.version(this.listener.isHttp2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofNanos(remainingNanos));
		if (this.listener.isTls()) {
			// a context of its own: no session to resume, so that every connection makes
			// the full handshake that new clients make at the takeover
			builder.sslContext(LoopbackTrust.context());
		}
		return builder.build();
	}

	private static void close(@Nullable HttpClient client) {
		// Java 21 and later can close a client (and its connection) at once; before, it
		// goes with the garbage
		if (client instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// nothing was in flight: the warm-up does not care
			}
		}
	}

	/**
	 * What a warm-up did.
	 *
	 * @param sent the requests sent
	 * @param failed those that failed: an I/O error, a timeout or a 5xx answer
	 * @param notSent those not sent before the deadline
	 * @param connections the connections opened
	 * @param firstFailure how the first failed request failed
	 * @param elapsed how long it took
	 */
	record Result(int sent, int failed, int notSent, int connections, @Nullable String firstFailure,
			Duration elapsed) {

		boolean isComplete() {
			return this.failed == 0 && this.notSent == 0;
		}

	}

}
