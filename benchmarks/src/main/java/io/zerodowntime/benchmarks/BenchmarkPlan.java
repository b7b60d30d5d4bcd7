package io.zerodowntime.benchmarks;

import java.time.Duration;
import java.util.List;

import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;

/**
 * How much the benchmark does: the full run documented in the README, or a smoke run that
 * CI uses so that the benchmark cannot rot.
 */
record BenchmarkPlan(String name, int clients, int reloadsPerCell, int restarts, int overheadRuns,
		Duration overheadWarmUp, Duration overheadDuration, Duration beforeTakeover, Duration afterTakeover,
		int stabilityGenerations, List<BenchmarkHandoff> handoffs, List<Mode> clientModes, boolean javaMatrix) {

	static final BenchmarkPlan FULL = new BenchmarkPlan("full", 50, 10, 5, 3, Duration.ofSeconds(10),
			Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(60), 50, List.of(BenchmarkHandoff.values()),
			List.of(Mode.values()), true);

	static final BenchmarkPlan SMOKE = new BenchmarkPlan("smoke", 10, 2, 1, 1, Duration.ofSeconds(2),
			Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(3), 3, List.of(BenchmarkHandoff.INHERIT),
			List.of(Mode.KEEP_ALIVE), false);

	/**
	 * The full run's takeover section alone: what clients see around a reload, warm-up off
	 * and on.
	 */
	static final BenchmarkPlan TAKEOVER = new BenchmarkPlan("takeover", FULL.clients(), 0, 0, 0, Duration.ZERO,
			Duration.ZERO, FULL.beforeTakeover(), FULL.afterTakeover(), 0, List.of(BenchmarkHandoff.INHERIT),
			List.of(Mode.KEEP_ALIVE), false);

	/**
	 * The full run's archive section alone: starts with a class data archive and without,
	 * on Java 17 and (if found) Java 25.
	 */
	static final BenchmarkPlan ARCHIVE = new BenchmarkPlan("archive", 0, 5, 0, 0, Duration.ZERO, Duration.ZERO,
			Duration.ZERO, Duration.ZERO, 0, List.of(BenchmarkHandoff.INHERIT), List.of(Mode.KEEP_ALIVE), true);

	static BenchmarkPlan named(String name) {
		return switch (name) {
			case "full" -> FULL;
			case "smoke" -> SMOKE;
			case "takeover" -> TAKEOVER;
			case "archive" -> ARCHIVE;
			default -> throw new IllegalArgumentException(
					"unknown benchmark plan '" + name + "': full, smoke, takeover or archive");
		};
	}

	boolean takeoverOnly() {
		return this == TAKEOVER;
	}

	boolean archiveOnly() {
		return this == ARCHIVE;
	}

}
