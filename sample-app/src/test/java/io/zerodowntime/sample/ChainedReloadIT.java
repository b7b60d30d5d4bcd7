package io.zerodowntime.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three chained reloads of the packaged sample (two by {@code SIGUSR2}, one by
 * {@code POST /actuator/reload}) under continuous load lose no request, in each handoff
 * mode and each client mode. Every old pid exits, the new pid serves and the PID file
 * follows. In keep-alive runs, a {@code /slow} request in flight during the last handover
 * completes on the old generation, whose drain log still reaches its stdout.
 */
class ChainedReloadIT {

	private static final int CLIENTS = 20;

	private static final int SIGNAL_RELOADS = 2;

	@TempDir
	Path temp;

	static List<Arguments> cells() {
		List<Arguments> cells = new ArrayList<>();
		for (HandoffUnderTest handoff : HandoffUnderTest.values()) {
			for (Mode mode : Mode.values()) {
				cells.add(Arguments.of(handoff, mode));
			}
		}
		return cells;
	}

	@ParameterizedTest(name = "{0} handoff, {1} clients")
	@MethodSource("cells")
	void chainedReloadsUnderLoadFailNoRequest(HandoffUnderTest handoff, Mode mode) throws Exception {
		int port = handoff.port();
		try (TestNetwork network = handoff.network(); SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument(), "--zerodowntime.drain-timeout=120s");
			List<ServiceUnderTest.Handover> handovers = new ArrayList<>();
			LoadGenerator load = LoadGenerator.start(port, mode, CLIENTS, network.threads());
			try {
				load.awaitSuccesses(500);
				for (int i = 0; i < SIGNAL_RELOADS; i++) {
					ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
					handovers.add(handover);
					pid = handover.newPid();
					load.awaitSuccesses(load.successes() + 200);
				}
				ServiceUnderTest.Handover byEndpoint = (mode == Mode.KEEP_ALIVE)
						? reloadByEndpointWithSlowRequestInFlight(network, service, processes, pid)
						: reloadByEndpoint(service, pid);
				handovers.add(byEndpoint);
				pid = byEndpoint.newPid();
				load.awaitSuccesses(load.successes() + 200);
			}
			finally {
				load.close();
			}
			String cell = "[" + handoff + " " + mode + "] ";
			handovers.forEach((handover) -> System.out.println(cell + handover));
			System.out.println(cell + load.successes() + " requests, " + load.failures().size() + " failed, "
					+ handovers.size() + " reloads, served by " + load.servingPids());
			assertThat(load.failures()).as("failed requests; log:\n%s", processes.logText()).isEmpty();
			assertThat(load.servingPids())
				.containsAll(handovers.stream().map(ServiceUnderTest.Handover::newPid).toList());
			assertThat(processes.generationPids()).containsExactly(pid);
			assertThat(service.readPidFile()).isEqualTo(pid);
		}
	}

	private ServiceUnderTest.Handover reloadByEndpoint(ServiceUnderTest service, long pid) throws Exception {
		long triggeredAt = System.nanoTime();
		HttpExchange.Response accepted = service.post("/actuator/reload");
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		ServiceUnderTest.Handover handover = service.awaitHandover(pid, triggeredAt);
		assertThat(handover.newPid()).isEqualTo(ServiceUnderTest.childPid(accepted));
		return handover;
	}

	/**
	 * A request that is in flight on the old generation when it hands over completes
	 * there, and the old generation's drain is logged to its stdout.
	 */
	private ServiceUnderTest.Handover reloadByEndpointWithSlowRequestInFlight(TestNetwork network,
			ServiceUnderTest service, SampleProcesses processes, long pid) throws Exception {
		CompletableFuture<HttpExchange.Response> slow = network
			.async(() -> HttpExchange.sendSlow(service.port(), "GET", "/slow?ms=45000", Duration.ofSeconds(105)));
		Thread.sleep(1000);
		ServiceUnderTest.Handover handover = reloadByEndpoint(service, pid);
		HttpExchange.Response slowResponse = slow.get(105, TimeUnit.SECONDS);
		assertThat(slowResponse.status()).isEqualTo(200);
		assertThat(slowResponse.servedBy()).as("slow request served by the old generation").isEqualTo(pid);
		// a child starting under paced load on two cores takes about 14 s
		assertThat(handover.triggerToNewPidServing().toMillis()).as("handover happened while /slow was in flight")
			.isLessThan(44_000);
		assertThat(processes.logText().lines()
			.filter((line) -> line.contains(" " + pid + " --- ") && line.contains("Drained all connections")))
			.as("drain log line of pid %d", pid)
			.hasSize(1);
		return handover;
	}

}

