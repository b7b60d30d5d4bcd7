package io.zerodowntime.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;

/**
 * The baseline the starter replaces: under the same load, stop the service
 * ({@code SIGTERM}, Spring Boot's graceful shutdown) and start the same jar again. Counts
 * the failed requests and the outage (stop sent → new process serving); the time from
 * launch to serving is the application's cold start.
 */
final class StopStartCell {

	private final Mode mode;

	private final int clients;

	private final int restarts;

	StopStartCell(Mode mode, int clients, int restarts) {
		this.mode = mode;
		this.clients = clients;
		this.restarts = restarts;
	}

	Result run(Path work, String java) throws Exception {
		Path directory = Files.createTempDirectory(work, "baseline-");
		int port = BenchmarkHandoff.INHERIT.port();
		try (TestNetwork network = TestNetwork.host();
				SampleProcesses processes = new SampleProcesses(directory, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			List<Duration> coldStarts = new ArrayList<>();
			List<Duration> outages = new ArrayList<>();
			List<Integer> failures = new ArrayList<>();
			long started = System.nanoTime();
			long pid = service.start();
			coldStarts.add(Duration.ofNanos(System.nanoTime() - started));
			LoadGenerator load = LoadGenerator.start(port, this.mode, this.clients, network.threads(),
					LoadGenerator.SATURATING);
			try {
				load.awaitSuccesses(1000);
				for (int i = 1; i <= this.restarts; i++) {
					int failuresBefore = load.failures().size();
					long stopped = System.nanoTime();
					SampleProcesses.signal(pid, "TERM");
					SampleProcesses.awaitExit(pid, Duration.ofSeconds(60));
					long launched = System.nanoTime();
					pid = service.start();
					long serving = System.nanoTime();
					coldStarts.add(Duration.ofNanos(serving - launched));
					outages.add(Duration.ofNanos(serving - stopped));
					load.awaitSuccesses(load.successes() + 1000);
					failures.add(load.failures().size() - failuresBefore);
					System.out.printf("  %s, stop + start, %s: restart %d/%d, %d failed, outage %d ms%n", java,
							this.mode, i, this.restarts, failures.get(failures.size() - 1),
							outages.get(outages.size() - 1).toMillis());
				}
			}
			finally {
				load.close();
			}
			return new Result(java, this.mode.name(), this.clients, load.successes(), failures, outages, coldStarts);
		}
	}

	/**
	 * What the baseline measured.
	 */
	record Result(String java, String clientMode, int clients, long requests, List<Integer> failuresPerRestart,
			List<Duration> outages, List<Duration> coldStarts) {

		int failures() {
			return this.failuresPerRestart.stream().mapToInt(Integer::intValue).sum();
		}

	}

}
