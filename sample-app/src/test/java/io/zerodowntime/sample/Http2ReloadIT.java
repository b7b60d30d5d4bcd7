package io.zerodowntime.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 through reloads, over TLS ({@code h2}) and in clear text ({@code h2c}), in both
 * handoff modes: 20 OkHttp connections with 10 concurrent streams each, and JDK
 * {@code HttpClient} connections, fail no request. The old generation sends each connection
 * GOAWAY when it stops accepting, serves the streams already started, and closes every
 * connection itself once it is idle: the drain ends with all connections closed, none cut
 * off at the drain timeout.
 * <p>
 * Runs on Java 25 (the {@code java25} group): before JDK 24 the JDK's {@code HttpClient}
 * fails every stream in flight when it receives any GOAWAY, even the graceful one.
 */
@Tag("java25")
class Http2ReloadIT {

	private static final int RELOADS = 3;

	/**
	 * What each stream asks for: an answer that takes 100 ms, so that about a quarter of
	 * the streams are in flight at any moment (the GOAWAY finds several on every
	 * connection) while the CPU stays free for a starting generation.
	 */
	private static final String PATH = "/slow?ms=100";

	/**
	 * Each stream's pause between two requests: about 500 requests a second over the 200
	 * OkHttp streams.
	 */
	private static final Duration STREAM_PAUSE = Duration.ofMillis(300);

	@TempDir
	Path temp;

	static Stream<Arguments> cells() {
		return Stream.of(HandoffUnderTest.values())
			.flatMap((handoff) -> Stream.of(Arguments.of(handoff, true), Arguments.of(handoff, false)));
	}

	@ParameterizedTest(name = "{0} handoff, TLS {1}")
	@MethodSource("cells")
	void reloadsFailNoHttp2Request(HandoffUnderTest handoff, boolean tls) throws Exception {
		assertThat(Runtime.version().feature()).as("a JDK whose HttpClient handles a graceful GOAWAY (see it.java25)")
			.isGreaterThanOrEqualTo(24);
		int port = handoff.port();
		List<String> arguments = new ArrayList<>(List.of(handoff.argument(), "--server.http2.enabled=true"));
		if (tls) {
			arguments.addAll(SelfSignedKeyStore.serverArguments(SelfSignedKeyStore.create(this.temp)));
			HttpExchange.tls(port);
		}
		String cell = "[http2 " + handoff + (tls ? " h2" : " h2c") + "] ";
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(arguments.toArray(String[]::new));
			List<ServiceUnderTest.Handover> handovers = new ArrayList<>();
			List<StreamLoad> loads = new ArrayList<>();
			try {
				loads.add(StreamLoad.start("okhttp", Http2Clients.HTTP_2, PATH, 20, 10, STREAM_PAUSE,
						() -> Http2Clients.okHttp(port, tls), network.threads()));
				loads.add(StreamLoad.start("jdk", Http2Clients.HTTP_2, PATH, 5, 4, STREAM_PAUSE,
						() -> Http2Clients.jdk(port, tls, network.threads()), network.threads()));
				for (StreamLoad load : loads) {
					load.awaitSuccesses(200);
				}
				for (int i = 0; i < RELOADS; i++) {
					long triggeredAt = System.currentTimeMillis();
					ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
					handovers.add(handover);
					pid = handover.newPid();
					long takeover = triggeredAt + handover.triggerToNewPidServing().toMillis();
					for (StreamLoad load : loads) {
						// how soon HTTP/2 clients reach the new generation: a figure, not a check
						long first = load.firstServedAt(pid);
						System.out.println(cell + load.name() + " first answered by the new pid "
								+ ((first > 0) ? (first - takeover) + " ms after it was seen serving"
										: "only after the old pid had exited"));
					}
					for (StreamLoad load : loads) {
						load.awaitSuccesses(load.successes() + 100);
					}
				}
			}
			finally {
				for (StreamLoad load : loads) {
					load.close();
				}
				HttpExchange.plainHttp(port);
			}
			handovers.forEach((handover) -> System.out.println(cell + handover));
			for (StreamLoad load : loads) {
				System.out.println(cell + load.name() + ": " + load.successes() + " requests, "
						+ load.failures().size() + " failed");
				load.failures().stream().limit(10).forEach((failure) -> System.out.println(cell + "  " + failure));
			}
			for (StreamLoad load : loads) {
				assertThat(load.failures()).as("failed %s requests; log:\n%s", load.name(), processes.logText())
					.isEmpty();
				assertThat(load.servingPids()).as("%s served by the last generation", load.name()).contains(pid);
			}
			String log = processes.logText();
			assertThat(log).as("every drain closes all connections before its timeout")
				.doesNotContain("Drain timeout")
				.containsPattern("(?s)(Drained all connections.*){" + RELOADS + "}");
			assertThat(processes.generationPids()).containsExactly(pid);
		}
	}

}
