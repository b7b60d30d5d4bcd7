package io.zerodowntime.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as containers run it: PID 1 of a pid namespace of its own, or the child of
 * {@code tini} or {@code dumb-init} as PID 1 (Debian's packages, what {@code docker run
 * --init} and many images use). With {@code zerodowntime.supervisor=auto} the process the
 * container started stays as the supervisor: reloads under load fail no request, the
 * namespace survives every handover, and a SIGTERM to the container's PID 1 stops the
 * serving generation gracefully and leaves nothing behind.
 */
class ContainerInitIT {

	private static final int RELOADS = 3;

	@TempDir
	Path temp;

	@Test
	void sampleAsPidOneOfItsNamespace() throws Exception {
		runContainer(List.of());
	}

	/**
	 * Without a supervisor, PID 1 cannot hand over (the namespace would die with it): it
	 * serves, its status says why reloads are unavailable, and a reload signal spawns
	 * nothing.
	 */
	@Test
	void pidOneWithoutSupervisorServesAndSaysReloadsAreUnavailable() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.launchWith(List.of("unshare", "--pid", "--fork", "--mount-proc"), List.of());
			processes.supervisor("never");
			Process container = processes.start("--server.port=" + port);
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			service.awaitGeneration(0);
			String status = service.get("/actuator/reload").body();
			assertThat(status).contains("\"state\":\"UNAVAILABLE\"").contains("PID 1").contains("zerodowntime.supervisor");
			long pidOne = processes.generationPids().get(0);
			SampleProcesses.signal(pidOne, "USR2");
			processes.awaitLogLine((line) -> line.contains("SIGUSR2 refused: "), ServiceUnderTest.RELOAD_TIMEOUT);
			assertThat(processes.logText()).contains("SIGUSR2 refused: this process is PID 1");
			assertThat(processes.livePids()).as("nothing spawned").containsExactly(pidOne);
			assertThat(service.get("/").body()).contains("generation=0\n");
			SampleProcesses.signal(pidOne, "TERM");
			assertThat(container.waitFor(60, TimeUnit.SECONDS)).as(processes.logText()).isTrue();
		}
	}

	@Test
	void sampleBehindTini() throws Exception {
		runContainer(List.of("tini", "--"));
	}

	@Test
	void sampleBehindDumbInit() throws Exception {
		runContainer(List.of("dumb-init", "--"));
	}

	private void runContainer(List<String> init) throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			List<String> prefix = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
			prefix.addAll(init);
			processes.launchWith(prefix, List.of());
			processes.supervisor("auto");
			Process container = processes.start("--server.port=" + port);
			// the pids the sample reports are the namespace's: generations are told apart by number
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			int generation = 0;
			service.awaitGeneration(generation);
			long supervisor = supervisorPid(processes);
			assertThat(processes.logText()).contains("Starting as the supervisor of this service");
			try (LoadGenerator load = LoadGenerator.start(port, Mode.KEEP_ALIVE, 4, network.threads())) {
				load.awaitSuccesses(100);
				for (int reload = 1; reload <= RELOADS; reload++) {
					SampleProcesses.signal(supervisor, "USR2");
					service.awaitGeneration(++generation);
					awaitOneGeneration(processes);
				}
				load.awaitSuccesses(load.successes() + 100);
				load.close();
				assertThat(load.failures()).as(load.describe()).isEmpty();
			}
			assertThat(generation).isEqualTo(RELOADS);
			assertThat(ProcessHandle.of(supervisor).map(ProcessHandle::isAlive)).as("the supervisor").contains(true);
			assertThat(container.isAlive()).as("the container").isTrue();

			int shutdownsBefore = count(processes.logText(), "Commencing graceful shutdown");
			long pidOne = init.isEmpty() ? supervisor
					: ProcessHandle.of(supervisor).orElseThrow().parent().orElseThrow().pid();
			SampleProcesses.signal(pidOne, "TERM");
			assertThat(container.waitFor(60, TimeUnit.SECONDS)).as(processes.logText()).isTrue();
			assertThat(count(processes.logText(), "Commencing graceful shutdown")).isEqualTo(shutdownsBefore + 1);
			assertThat(processes.logText()).contains("the serving generation (pid");
			assertThat(processes.livePids()).isEmpty();
		}
	}

	/**
	 * Wait until the old generation has drained and exited: the supervisor and one
	 * generation are left.
	 */
	private static void awaitOneGeneration(SampleProcesses processes) throws InterruptedException {
		long deadline = System.nanoTime() + ServiceUnderTest.RELOAD_TIMEOUT.toNanos();
		while (processes.generationPids().size() > 1 && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(processes.generationPids()).as(processes.logText()).hasSize(1);
	}

	/**
	 * The one live JVM that is not a generation.
	 */
	private static long supervisorPid(SampleProcesses processes) {
		List<Long> supervisors = new ArrayList<>(processes.livePids());
		supervisors.removeAll(processes.generationPids());
		assertThat(supervisors).as(processes.logText()).hasSize(1);
		return supervisors.get(0);
	}

	private static int count(String text, String needle) {
		int count = 0;
		for (int index = text.indexOf(needle); index >= 0; index = text.indexOf(needle, index + 1)) {
			count++;
		}
		return count;
	}

}
