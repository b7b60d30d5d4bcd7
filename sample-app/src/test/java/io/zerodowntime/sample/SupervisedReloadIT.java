package io.zerodowntime.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port, pidFile);
			long serving = service.start(handoff.argument());
			long generationZero = serving;
			Process supervisor = service.process();
			assertThat(service.supervisorPid()).hasValue(supervisor.pid());
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
					long next = service.readPidFile();
					assertThat(next).isNotEqualTo(serving);
					assertThat(service.get("/").servedBy()).isEqualTo(next);
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

}
