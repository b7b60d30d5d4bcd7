package io.zerodowntime.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;

/**
 * Steady-state cost of the starter: the same jar with {@code zerodowntime.enabled} true
 * and false, measured in alternating runs (so that drift on the machine hits both), each
 * on a freshly started process.
 */
final class OverheadRun {

	private final int clients;

	private final int runs;

	private final Duration warmUp;

	private final Duration duration;

	OverheadRun(int clients, int runs, Duration warmUp, Duration duration) {
		this.clients = clients;
		this.runs = runs;
		this.warmUp = warmUp;
		this.duration = duration;
	}

	Result run(Path work, String java) throws Exception {
		List<LatencyLoad.Result> enabled = new ArrayList<>();
		List<LatencyLoad.Result> disabled = new ArrayList<>();
		for (int i = 1; i <= this.runs; i++) {
			for (boolean on : new boolean[] { true, false }) {
				LatencyLoad.Result result = measure(work, on);
				(on ? enabled : disabled).add(result);
				System.out.printf("  %s, overhead run %d/%d, starter %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms%n", java,
						i, this.runs, on ? "enabled" : "disabled", result.requestsPerSecond(), result.p50Millis(),
						result.p99Millis());
			}
		}
		return new Result(java, this.clients, enabled, disabled);
	}

	private LatencyLoad.Result measure(Path work, boolean enabled) throws Exception {
		Path directory = Files.createTempDirectory(work, "overhead-");
		int port = BenchmarkHandoff.INHERIT.port();
		try (TestNetwork network = TestNetwork.host();
				SampleProcesses processes = new SampleProcesses(directory, network)) {
			Process process = processes.start("--server.port=" + port, "--zerodowntime.enabled=" + enabled);
			awaitServing(port, process);
			return new LatencyLoad(port, this.clients, network.threads()).measure(this.warmUp, this.duration);
		}
	}

	static void awaitServing(int port, Process process) throws InterruptedException {
		long deadline = System.nanoTime() + SampleProcesses.STARTUP.toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
			try {
				if (HttpExchange.send(port, "GET", "/").servedBy() == process.pid()) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("the sample did not serve on port " + port);
	}

	/**
	 * The runs with and without the starter.
	 */
	record Result(String java, int clients, List<LatencyLoad.Result> enabled, List<LatencyLoad.Result> disabled) {

		double throughputRatio() {
			return median(this.enabled) / median(this.disabled);
		}

		private static double median(List<LatencyLoad.Result> results) {
			List<Double> sorted = results.stream().map(LatencyLoad.Result::requestsPerSecond).sorted().toList();
			return sorted.get(sorted.size() / 2);
		}

	}

}
