package io.zerodowntime.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.harness.GenerationSample;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;

/**
 * The supervisor's cost and the waitable reload: the supervisor's resident memory when
 * generation 0 serves and after the reloads, next to a generation's, and how long
 * {@code ReloadCommand} (what {@code systemctl reload} runs) takes from start to exit.
 */
final class SupervisorRun {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private final int reloads;

	SupervisorRun(int reloads) {
		this.reloads = reloads;
	}

	Result run(Path work, String java) throws Exception {
		Path directory = Files.createTempDirectory(work, "supervisor-");
		int port = BenchmarkHandoff.INHERIT.port();
		try (TestNetwork network = TestNetwork.host();
				SampleProcesses processes = new SampleProcesses(directory, network)) {
			processes.supervisor("always");
			Process supervisor = processes.start("--server.port=" + port);
			awaitServing(network, port, processes);
			long atStart = GenerationSample.residentKib(supervisor.pid());
			List<Duration> commandTimes = new ArrayList<>();
			int failedReloads = 0;
			long generationKib;
			try (LoadGenerator load = LoadGenerator.start(port, Mode.KEEP_ALIVE, 2, network.threads(),
					Duration.ofMillis(10))) {
				load.awaitSuccesses(100);
				for (int reload = 0; reload < this.reloads; reload++) {
					long started = System.nanoTime();
					if (processes.reloadCommand(supervisor.pid(), Duration.ofMinutes(5)) != 0) {
						failedReloads++;
					}
					commandTimes.add(Duration.ofNanos(System.nanoTime() - started));
					System.out.printf("  %s, supervisor: ReloadCommand %d ms%n", java,
							commandTimes.get(commandTimes.size() - 1).toMillis());
				}
				load.awaitSuccesses(load.successes() + 100);
				load.close();
				generationKib = GenerationSample.residentKib(supervisor.children().findFirst().orElseThrow().pid());
				long afterReloads = GenerationSample.residentKib(supervisor.pid());
				return new Result(java, atStart, afterReloads, generationKib, commandTimes, failedReloads,
						load.successes(), load.failures().size());
			}
		}
	}

	private static void awaitServing(TestNetwork network, int port, SampleProcesses processes) throws Exception {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (network.call(() -> HttpExchange.send(port, "GET", "/")).status() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("the supervised sample did not serve:\n" + processes.logText());
	}

	record Result(String java, long supervisorAtStartKib, long supervisorAfterReloadsKib, long generationKib,
			List<Duration> reloadCommandTimes, int failedReloads, long requests, int failedRequests) {

	}

}
