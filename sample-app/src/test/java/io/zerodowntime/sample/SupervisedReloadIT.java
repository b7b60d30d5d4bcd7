package io.zerodowntime.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core reload scenario with the supervisor on, in both handoff modes: new-connection
 * and keep-alive clients and a slow request in flight across the reloads, each reload
 * triggered with {@code ReloadCommand} (what {@code systemctl reload} runs), which
 * returns once the new generation serves. No failed request, the slow request completes
 * on the generation that took it, the supervisor's pid stays, and a SIGTERM to it stops
 * the service.
 */
class SupervisedReloadIT {

	private static final int RELOADS = 2;

	private static final Duration WAIT = Duration.ofSeconds(240);

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(HandoffUnderTest.class)
	void reloadsUnderLoadThroughTheSupervisor(HandoffUnderTest handoff) throws Exception {
		int port = handoff.port();
		Path pidFile = this.temp.resolve("app.pid");
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.supervisor("always");
			Process supervisor = processes.start(handoff.argument(), "--server.port=" + port,
					"--zerodowntime.pid-file=" + pidFile);
			long serving = awaitServing(network, port, pidFile, supervisor, -1, processes);
			long generationZero = serving;
			try (LoadGenerator fresh = LoadGenerator.start(port, Mode.NEW_CONNECTION, 4, network.threads());
					LoadGenerator keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, 4, network.threads())) {
				fresh.awaitSuccesses(200);
				keepAlive.awaitSuccesses(200);
				CompletableFuture<HttpExchange.Response> slow = network
					.async(() -> HttpExchange.sendSlow(port, "GET", "/slow?ms=8000", Duration.ofSeconds(120)));
				Thread.sleep(1000);
				for (int reload = 1; reload <= RELOADS; reload++) {
					assertThat(processes.reloadCommand(supervisor.pid(), WAIT)).as(processes.logText()).isZero();
					// ReloadCommand returns once the new generation serves
					long next = readPid(pidFile);
					assertThat(next).isNotEqualTo(serving);
					assertThat(network.call(() -> HttpExchange.send(port, "GET", "/")).servedBy()).isEqualTo(next);
					serving = next;
				}
				HttpExchange.Response slowResponse = slow.get(120, TimeUnit.SECONDS);
				assertThat(slowResponse.status()).isEqualTo(200);
				assertThat(slowResponse.servedBy()).isEqualTo(generationZero);
				fresh.awaitSuccesses(fresh.successes() + 200);
				keepAlive.awaitSuccesses(keepAlive.successes() + 200);
				fresh.close();
				keepAlive.close();
				assertThat(fresh.failures()).as(fresh.describe()).isEmpty();
				assertThat(keepAlive.failures()).as(keepAlive.describe()).isEmpty();
			}
			assertThat(supervisor.isAlive()).isTrue();
			SampleProcesses.signal(supervisor.pid(), "TERM");
			assertThat(supervisor.waitFor(60, TimeUnit.SECONDS)).as(processes.logText()).isTrue();
			assertThat(supervisor.exitValue()).isEqualTo(143);
			assertThat(processes.livePids()).isEmpty();
		}
	}

	/**
	 * Wait until the PID file names a child of the supervisor other than {@code previous}
	 * and that process answers.
	 */
	private static long awaitServing(TestNetwork network, int port, Path pidFile, Process supervisor, long previous,
			SampleProcesses processes) throws Exception {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			long pid = readPid(pidFile);
			if (pid > 0 && pid != previous && ProcessHandle.of(pid)
				.flatMap(ProcessHandle::parent)
				.map((parent) -> parent.pid() == supervisor.pid())
				.orElse(false)) {
				try {
					if (network.call(() -> HttpExchange.send(port, "GET", "/")).servedBy() == pid) {
						return pid;
					}
				}
				catch (IOException ex) {
					// not yet
				}
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("no supervised generation serves:\n" + processes.logText());
	}

	private static long readPid(Path pidFile) {
		try {
			return Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
	}

}
