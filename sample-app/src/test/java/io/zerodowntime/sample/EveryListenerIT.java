package io.zerodowntime.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.NetworkNamespace;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every listener is handed over: the main port speaking HTTPS (a self-signed keystore made
 * by the test), a separate {@code management.server.port} (HTTPS too, as it takes
 * {@code server.ssl.*}) and an additional plain-HTTP connector the application adds.
 * Reloads under load on all three ports fail no request. Only the main listener can travel
 * on descriptor 0, so the other two share their port with {@code SO_REUSEPORT} in both
 * modes; the test runs in a network namespace of its own with
 * {@code net.ipv4.tcp_migrate_req=1}, as the README asks for those listeners. The service
 * runs behind the supervisor, which opens none of these listeners: the generations do.
 */
class EveryListenerIT {

	private static final int MAIN_PORT = 18443;

	private static final int MANAGEMENT_PORT = 18081;

	private static final int EXTRA_PORT = 18082;

	private static final int RELOADS = 2;

	@TempDir
	Path temp;

	@ParameterizedTest(name = "{0} handoff")
	@EnumSource(HandoffUnderTest.class)
	void reloadsHandOverHttpsTheManagementPortAndAnExtraConnector(HandoffUnderTest handoff) throws Exception {
		Path keyStore = SelfSignedKeyStore.create(this.temp);
		HttpExchange.tls(MAIN_PORT);
		// the management server takes server.ssl.* too
		HttpExchange.tls(MANAGEMENT_PORT);
		try (TestNetwork network = NetworkNamespace.create("net.ipv4.tcp_migrate_req=1");
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.supervisor("always");
			ServiceUnderTest service = new ServiceUnderTest(network, processes, MAIN_PORT);
			List<String> arguments = new ArrayList<>(SelfSignedKeyStore.serverArguments(keyStore));
			arguments.addAll(List.of(handoff.argument(), "--management.server.port=" + MANAGEMENT_PORT,
					"--sample.extra-port=" + EXTRA_PORT));
			long pid = service.start(arguments.toArray(String[]::new));
			List<LoadGenerator> loads = new ArrayList<>();
			List<ServiceUnderTest.Handover> handovers = new ArrayList<>();
			try {
				// a TLS handshake per request costs far more CPU than the request: fewer clients
				// there, so that the new generation can start on two cores
				Duration pause = LoadGenerator.PACED;
				loads.add(LoadGenerator.start(MAIN_PORT, Mode.NEW_CONNECTION, 4, network.threads(), pause));
				loads.add(LoadGenerator.start(MAIN_PORT, Mode.KEEP_ALIVE, 6, network.threads(), pause));
				loads.add(LoadGenerator.start(MANAGEMENT_PORT, Mode.NEW_CONNECTION, 2, network.threads(), pause,
						"/actuator/info"));
				loads.add(LoadGenerator.start(MANAGEMENT_PORT, Mode.KEEP_ALIVE, 3, network.threads(), pause,
						"/actuator/info"));
				loads.add(LoadGenerator.start(EXTRA_PORT, Mode.NEW_CONNECTION, 5, network.threads(), pause));
				loads.add(LoadGenerator.start(EXTRA_PORT, Mode.KEEP_ALIVE, 5, network.threads(), pause));
				for (LoadGenerator load : loads) {
					load.awaitSuccesses(100);
				}
				for (int i = 0; i < RELOADS; i++) {
					ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
					handovers.add(handover);
					pid = handover.newPid();
					for (LoadGenerator load : loads) {
						load.awaitSuccesses(load.successes() + 100);
					}
				}
				long triggeredAt = System.nanoTime();
				HttpExchange.Response accepted = network
					.call(() -> HttpExchange.send(MANAGEMENT_PORT, "POST", "/actuator/reload"));
				assertThat(accepted.status()).as("reload through the management port: %s", accepted.body())
					.isEqualTo(202);
				ServiceUnderTest.Handover handover = service.awaitHandover(pid, triggeredAt);
				handovers.add(handover);
				pid = handover.newPid();
				for (LoadGenerator load : loads) {
					load.awaitSuccesses(load.successes() + 100);
				}
				assertThat(network.call(() -> HttpExchange.send(EXTRA_PORT, "GET", "/")).servedBy()).isEqualTo(pid);
				assertThat(network.call(() -> HttpExchange.send(MANAGEMENT_PORT, "GET", "/actuator/info")).body())
					.contains("\"pid\":" + pid);
			}
			finally {
				for (LoadGenerator load : loads) {
					load.close();
				}
				HttpExchange.plainHttp(MAIN_PORT);
				HttpExchange.plainHttp(MANAGEMENT_PORT);
			}
			String cell = "[listeners " + handoff + "] ";
			handovers.forEach((handover) -> System.out.println(cell + handover));
			for (LoadGenerator load : loads) {
				System.out.println(cell + load.describe() + ": " + load.successes() + " requests, "
						+ load.failures().size() + " failed");
			}
			for (LoadGenerator load : loads) {
				assertThat(load.failures()).as("failed requests, %s; log:\n%s", load.describe(), processes.logText())
					.isEmpty();
			}
			assertThat(processes.generationPids()).containsExactly(pid);
			assertThat(service.supervisorPid()).as("supervised").isPresent();
		}
	}

}
