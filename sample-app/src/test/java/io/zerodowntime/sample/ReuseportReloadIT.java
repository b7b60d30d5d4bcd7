package io.zerodowntime.sample;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.sample.LoadGenerator.Mode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chained reloads of the packaged sample in {@code reuseport} mode, under continuous load,
 * lose no request. SO_REUSEPORT resets connections queued in a closing socket unless
 * {@code net.ipv4.tcp_migrate_req=1}, so the test runs in a network namespace of its own
 * with that setting; the host is not touched.
 */
class ReuseportReloadIT {

	private static final int PORT = 18080;

	private static final int CLIENTS = 20;

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(Mode.class)
	void chainedReloadsUnderLoadFailNoRequest(Mode mode) throws Exception {
		try (NetworkNamespace network = NetworkNamespace.create("net.ipv4.tcp_migrate_req=1");
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, PORT);
			long pid = service.start("--zerodowntime.handoff=reuseport", "--zerodowntime.drain-timeout=120s");
			List<ServiceUnderTest.Handover> handovers = new ArrayList<>();
			LoadGenerator load = LoadGenerator.start(PORT, mode, CLIENTS, network.threads());
			try {
				awaitSuccesses(load, 500);
				for (int i = 0; i < 3; i++) {
					ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
					handovers.add(handover);
					pid = handover.newPid();
					awaitSuccesses(load, load.successes() + 200);
				}
				ServiceUnderTest.Handover byEndpoint = reloadByEndpointWithSlowRequestInFlight(network, service, pid);
				handovers.add(byEndpoint);
				pid = byEndpoint.newPid();
				awaitSuccesses(load, load.successes() + 200);
			}
			finally {
				load.close();
			}
			handovers.forEach((handover) -> System.out.println("[" + mode + "] " + handover));
			System.out.println("[" + mode + "] " + load.successes() + " requests, " + load.failures().size()
					+ " failed, served by " + load.servingPids());
			assertThat(load.failures()).as("failed requests; log:\n%s", processes.logText()).isEmpty();
			assertThat(load.servingPids()).containsAll(handovers.stream().map(ServiceUnderTest.Handover::newPid).toList());
			assertThat(processes.livePids()).containsExactly(pid);
		}
	}

	/**
	 * A request that is in flight on the old generation when it hands over completes
	 * there, and the endpoint trigger answers at once with the child's pid.
	 */
	private ServiceUnderTest.Handover reloadByEndpointWithSlowRequestInFlight(TestNetwork network,
			ServiceUnderTest service, long pid) throws Exception {
		CompletableFuture<HttpExchange.Response> slow = network
			.async(() -> HttpExchange.send(service.port(), "GET", "/slow?ms=45000"));
		Thread.sleep(1000);
		long triggeredAt = System.nanoTime();
		HttpExchange.Response accepted = service.post("/actuator/reload");
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		long childPid = ServiceUnderTest.childPid(accepted);
		ServiceUnderTest.Handover handover = service.awaitHandover(pid, triggeredAt);
		assertThat(handover.newPid()).isEqualTo(childPid);
		HttpExchange.Response slowResponse = slow.get(60, TimeUnit.SECONDS);
		assertThat(slowResponse.status()).isEqualTo(200);
		assertThat(slowResponse.servedBy()).as("slow request served by the old generation").isEqualTo(pid);
		assertThat(handover.triggerToNewPidServing().toMillis()).as("handover happened while /slow was in flight")
			.isLessThan(44_000);
		return handover;
	}

	static void awaitSuccesses(LoadGenerator load, long count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (load.successes() < count && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(load.successes()).as("successful requests (failures: %s)", load.failures()).isGreaterThanOrEqualTo(count);
	}

}
