package io.zerodowntime.actuate;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ReloadReport;
import io.zerodowntime.reload.Reloader;
import org.jspecify.annotations.Nullable;

/**
 * Reload metrics: {@code zerodowntime.reloads} (counter, tag {@code outcome}:
 * {@code succeeded}, {@code failed}, {@code rejected}, as in the status),
 * {@code zerodowntime.reload.duration} (timer, from the trigger to the new generation
 * serving or to the rollback; tag {@code outcome}: {@code succeeded}, {@code failed}) and
 * {@code zerodowntime.generation} (gauge).
 * <p>
 * Each generation counts the reloads it saw, from zero, as a counter in any process
 * does: a monitoring system reads a new generation like a restart (Prometheus's
 * {@code increase()}), and step or delta registries publish each reload once, from the
 * process that counted it. A success is counted and timed by the generation it made,
 * never by the old one, which exits soon after and might not be read again.
 *
 * @author zerodowntime
 */
public class ReloadMetrics implements MeterBinder, ReloadListener {

	private static final String RELOADS = "zerodowntime.reloads";

	private static final String DURATION = "zerodowntime.reload.duration";

	private static final String SUCCEEDED = "succeeded";

	private static final String FAILED = "failed";

	private static final String REJECTED = "rejected";

	private final Reloader reloader;

	private volatile @Nullable MeterRegistry registry;

	public ReloadMetrics(Reloader reloader) {
		this.reloader = reloader;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		reloads(registry, SUCCEEDED);
		reloads(registry, FAILED);
		reloads(registry, REJECTED);
		Gauge.builder("zerodowntime.generation", this.reloader, (reloader) -> reloader.getGeneration().number())
			.description("Generation number of this process: 0 for the process started by the user, "
					+ "one more for each reload")
			.register(registry);
		duration(registry, SUCCEEDED);
		duration(registry, FAILED);
		this.registry = registry;
	}

	private static Counter reloads(MeterRegistry registry, String outcome) {
		return Counter.builder(RELOADS)
			.description("Reloads by outcome, counted by this generation (a success by the generation it made)")
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
		if (registry != null && generation.isChild()) {
			reloads(registry, SUCCEEDED).increment();
			if (startedAt != null) {
				duration(registry, SUCCEEDED).record(Duration.between(startedAt, Instant.now()));
			}
		}
	}

	@Override
	public void failed(ReloadReport report) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			reloads(registry, FAILED).increment();
			Duration duration = report.duration();
			if (duration != null) {
				duration(registry, FAILED).record(duration);
			}
		}
	}

	@Override
	public void rejected(String trigger, String reason) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			reloads(registry, REJECTED).increment();
		}
	}

}
