package io.zerodowntime.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Low traffic, whose connections are idle most of the time, through reloads: the JDK
 * {@code HttpClient}'s pool straight to the sample, and nginx's pool of keep-alive
 * upstream connections in front of it. The old generation closes the idle connections a
 * second after it stops accepting instead of holding them until the drain timeout, and no
 * request fails.
 */
class IdleConnectionsIT {

	private static final int RELOADS = 3;

	/**
	 * Each client's pause between two requests: its connection idles in the pool far longer
	 * than it works.
	 */
	private static final Duration PAUSE = Duration.ofMillis(400);

	@TempDir
	Path temp;

	@Test
	void idleConnectionsOfClientAndProxyPoolsAreClosedEarlyWithoutAFailedRequest() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		int proxyPort = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network);
				Nginx nginx = Nginx.start(this.temp.resolve("nginx"), proxyPort, port)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument());
			List<StreamLoad> loads = new ArrayList<>();
			List<ServiceUnderTest.Handover> handovers = new ArrayList<>();
			try {
				loads.add(StreamLoad.start("jdk pool", "HTTP/1.1", 1, 8, PAUSE, () -> jdkHttp1(port),
						network.threads()));
				loads.add(StreamLoad.start("nginx upstream pool", "HTTP/1.1", 1, 8, PAUSE, () -> jdkHttp1(proxyPort),
						network.threads()));
				for (StreamLoad load : loads) {
					load.awaitSuccesses(50);
				}
				for (int i = 0; i < RELOADS; i++) {
					ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
					handovers.add(handover);
					pid = handover.newPid();
					for (StreamLoad load : loads) {
						load.awaitSuccesses(load.successes() + 50);
					}
				}
			}
			finally {
				for (StreamLoad load : loads) {
					load.close();
				}
			}
			handovers.forEach((handover) -> System.out.println("[idle] " + handover));
			for (StreamLoad load : loads) {
				System.out.println("[idle] " + load.name() + ": " + load.successes() + " requests, "
						+ load.failures().size() + " failed");
				load.failures().stream().limit(10).forEach((failure) -> System.out.println("[idle]   " + failure));
			}
			for (StreamLoad load : loads) {
				assertThat(load.failures()).as("%s; nginx: %s", load.name(), nginx.errorLog()).isEmpty();
				assertThat(load.servingPids()).contains(pid);
			}
			assertThat(processes.logText()).as("every drain closes the idle connections before its timeout")
				.doesNotContain("Drain timeout")
				.containsPattern("(?s)(Drained all connections.*){" + RELOADS + "}");
			assertThat(processes.generationPids()).containsExactly(pid);
		}
	}

	private static StreamLoad.Client jdkHttp1(int port) {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		URI uri = URI.create("http://127.0.0.1:" + port + "/");
		return new StreamLoad.Client() {

			@Override
			public StreamLoad.Answer get(String path) throws Exception {
				HttpResponse<String> response = client.send(
						HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
						HttpResponse.BodyHandlers.ofString());
				return new StreamLoad.Answer(response.statusCode(), "HTTP/1.1", response.body());
			}

			@Override
			public void close() {
			}

		};
	}

}
