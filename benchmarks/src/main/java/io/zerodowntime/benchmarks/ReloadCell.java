package io.zerodowntime.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;

/**
 * One cell of the reload table: the sample under closed-loop load in one handoff variant
 * and one client mode, reloaded by {@code SIGUSR2} a number of times, a few seconds apart.
 * Counts the failed requests of each reload and times its steps.
 */
final class ReloadCell {

	private static final Duration GAP = Duration.ofSeconds(3);

	private final BenchmarkHandoff handoff;

	private final Mode mode;

	private final int clients;

	private final int reloads;

	ReloadCell(BenchmarkHandoff handoff, Mode mode, int clients, int reloads) {
		this.handoff = handoff;
		this.mode = mode;
		this.clients = clients;
		this.reloads = reloads;
	}

	Result run(Path work, String java) throws Exception {
		Path directory = Files.createTempDirectory(work, "cell-");
		int port = this.handoff.port();
		try (TestNetwork network = this.handoff.network();
				SampleProcesses processes = new SampleProcesses(directory, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(this.handoff.argument(), "--zerodowntime.drain-timeout=60s");
			List<Integer> failures = new ArrayList<>();
			List<ReloadTimeline> timelines = new ArrayList<>();
			LoadGenerator load = LoadGenerator.start(port, this.mode, this.clients, network.threads(),
					LoadGenerator.SATURATING);
			try {
				load.awaitSuccesses(1000);
				for (int i = 1; i <= this.reloads; i++) {
					int failuresBefore = load.failures().size();
					Instant triggeredAt = Instant.now();
					ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
					pid = handover.newPid();
					Thread.sleep(GAP.toMillis());
					failures.add(load.failures().size() - failuresBefore);
					timelines.add(ReloadTimeline.of(processes.logText(), triggeredAt, handover));
					System.out.printf("  %s, %s, %s: reload %d/%d, %d failed, child ready after %s%n", java,
							this.handoff.label(), this.mode, i, this.reloads, failures.get(failures.size() - 1),
							timelines.get(timelines.size() - 1).ready());
				}
			}
			finally {
				load.close();
			}
			return new Result(java, this.handoff.label(), this.mode.name(), this.clients, load.successes(), failures,
					timelines, List.copyOf(load.failures()).stream().limit(20).toList());
		}
	}

	/**
	 * What one cell measured.
	 */
	record Result(String java, String handoff, String clientMode, int clients, long requests,
			List<Integer> failuresPerReload, List<ReloadTimeline> timelines, List<String> sampleFailures) {

		int failures() {
			return this.failuresPerReload.stream().mapToInt(Integer::intValue).sum();
		}

	}

}
