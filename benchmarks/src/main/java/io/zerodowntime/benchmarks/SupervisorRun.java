package io.zerodowntime.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.harness.GenerationSample;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;

/**
 * The supervisor's cost and the waitable reload: the supervisor's resident memory when
 * generation 0 serves and after the reloads, next to a generation's, and how long
 * {@code ReloadCommand} (what {@code systemctl reload} runs) takes from start to exit.
 */
final class SupervisorRun {

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
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			service.start();
			long supervisor = service.supervisorPid().orElseThrow();
			long atStart = GenerationSample.residentKib(supervisor);
			List<Duration> commandTimes = new ArrayList<>();
			int failedReloads = 0;
			long generationKib;
			try (LoadGenerator load = LoadGenerator.start(port, Mode.KEEP_ALIVE, 2, network.threads(),
					Duration.ofMillis(10))) {
				load.awaitSuccesses(100);
				for (int reload = 0; reload < this.reloads; reload++) {
					long started = System.nanoTime();
					if (processes.reloadCommand(supervisor, Duration.ofMinutes(5)) != 0) {
						failedReloads++;
					}
					commandTimes.add(Duration.ofNanos(System.nanoTime() - started));
					System.out.printf("  %s, supervisor: ReloadCommand %d ms%n", java,
							commandTimes.get(commandTimes.size() - 1).toMillis());
				}
				load.awaitSuccesses(load.successes() + 100);
				load.close();
				generationKib = GenerationSample.residentKib(service.readPidFile());
				long afterReloads = GenerationSample.residentKib(supervisor);
				return new Result(java, atStart, afterReloads, generationKib, commandTimes, failedReloads,
						load.successes(), load.failures().size());
			}
		}
	}

	record Result(String java, long supervisorAtStartKib, long supervisorAfterReloadsKib, long generationKib,
			List<Duration> reloadCommandTimes, int failedReloads, long requests, int failedRequests) {

	}

}
