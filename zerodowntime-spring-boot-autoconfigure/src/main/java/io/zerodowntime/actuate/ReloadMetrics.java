package io.zerodowntime.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ReloadReport;
import io.zerodowntime.reload.Reloader;
import org.jspecify.annotations.Nullable;

/**
 * Reload metrics: {@code zerodowntime.reloads} (counter, tag {@code outcome}:
 * {@code success}, {@code failed}, {@code rejected}, counted along the chain of
 * generations so that it only grows), {@code zerodowntime.reload.duration} (timer, from
 * the trigger to the new generation serving or to the rollback; a success is recorded by
 * the generation it made) and {@code zerodowntime.generation} (gauge).
 *
 * @author zerodowntime
 */
public class ReloadMetrics implements MeterBinder, ReloadListener {

	private static final String DURATION = "zerodowntime.reload.duration";

	private final Reloader reloader;

	private volatile @Nullable MeterRegistry registry;

	public ReloadMetrics(Reloader reloader) {
		this.reloader = reloader;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		counter(registry, "success", ReloadCounts::succeeded);
		counter(registry, "failed", ReloadCounts::failed);
		counter(registry, "rejected", ReloadCounts::rejected);
		Gauge.builder("zerodowntime.generation", this.reloader, (reloader) -> reloader.getGeneration().number())
			.description("Generation number of this process: 0 for the process started by the user, "
					+ "one more for each reload")
			.register(registry);
		duration(registry, "success");
		duration(registry, "failed");
		this.registry = registry;
	}

	private void counter(MeterRegistry registry, String outcome, ToLongFunction<ReloadCounts> count) {
		FunctionCounter
			.builder("zerodowntime.reloads", this.reloader, (reloader) -> count.applyAsLong(reloader.status().reloads()))
			.description("Reloads of this service since generation 0 started, by outcome")
			.tag("outcome", outcome)
			.register(registry);
	}

	private static Timer duration(MeterRegistry registry, String outcome) {
		return Timer.builder(DURATION)
			.description("Time from a reload's trigger to the new generation serving, or to the rollback")
			.tag("outcome", outcome)
			.register(registry);
	}

	@Override
	public void serving(Generation generation) {
		MeterRegistry registry = this.registry;
		Instant startedAt = generation.reloadStartedAt();
		if (registry != null && startedAt != null) {
			duration(registry, "success").record(Duration.between(startedAt, Instant.now()));
		}
	}

	@Override
	public void failed(ReloadReport report) {
		MeterRegistry registry = this.registry;
		Duration duration = report.duration();
		if (registry != null && duration != null) {
			duration(registry, "failed").record(duration);
		}
	}

}
