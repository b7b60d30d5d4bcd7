package io.zerodowntime.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket sessions and server-sent event streams through reloads, with the JDK's
 * clients. By default the old generation ends them as its drain starts: every WebSocket is
 * closed with 1001 Going Away and every event stream ends normally, the clients reconnect
 * to the new generation, and the drain ends long before its timeout. With
 * {@code keep}, they stay on the old generation until the drain timeout.
 */
class LongLivedReloadIT {

	private static final int RELOADS = 3;

	private static final int WEBSOCKETS = 20;

	private static final int EVENT_STREAMS = 10;

	@TempDir
	Path temp;

	@Test
	void websocketsAreClosedWithGoingAwayAndEventStreamsEndCleanly() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument());
			EchoSocketLoad sockets = EchoSocketLoad.start(port, WEBSOCKETS, Duration.ofMillis(100), network.threads());
			EventStreamLoad streams = EventStreamLoad.start(port, EVENT_STREAMS, network.threads());
			try {
				sockets.awaitEchoes(500);
				streams.awaitTicks(500);
				for (int i = 0; i < RELOADS; i++) {
					System.out.println("[long-lived] " + service.reloadBySignal(pid));
					pid = service.readPidFile();
					sockets.awaitEchoes(sockets.echoes() + 200);
					streams.awaitTicks(streams.ticks() + 200);
				}
				HttpExchange.Response slow = service.get("/slow?ms=1");
				assertThat(slow.servedBy()).isEqualTo(pid);
			}
			finally {
				sockets.close();
				streams.close();
			}
			report(sockets, streams);
			assertThat(sockets.failures()).as("WebSocket failures; log:\n%s", processes.logText()).isEmpty();
			assertThat(sockets.closeCodes()).as("closes by status code").containsOnlyKeys(1001);
			assertThat(sockets.closeCodes().get(1001)).isGreaterThanOrEqualTo((long) WEBSOCKETS * RELOADS);
			assertThat(sockets.servingPids()).contains(pid);
			assertThat(streams.failures()).as("event stream failures; log:\n%s", processes.logText()).isEmpty();
			assertThat(streams.cleanEnds()).isGreaterThanOrEqualTo((long) EVENT_STREAMS * RELOADS);
			assertThat(streams.servingPids()).contains(pid);
			assertThat(processes.logText()).as("every drain ends before its timeout")
				.doesNotContain("Drain timeout")
				.containsPattern("(?s)(Drained all connections.*){" + RELOADS + "}");
			assertThat(processes.generationPids()).containsExactly(pid);
		}
	}

	@Test
	void keepLeavesWebsocketsAndEventStreamsOpenUntilTheDrainTimeout() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument(), "--zerodowntime.websocket-drain=keep",
					"--zerodowntime.streaming-drain=keep", "--zerodowntime.drain-timeout=3s");
			EchoSocketLoad sockets = EchoSocketLoad.start(port, 5, Duration.ofMillis(100), network.threads());
			EventStreamLoad streams = EventStreamLoad.start(port, 3, network.threads());
			try {
				sockets.awaitEchoes(100);
				streams.awaitTicks(100);
				System.out.println("[long-lived keep] " + service.reloadBySignal(pid));
				pid = service.readPidFile();
				sockets.awaitEchoes(sockets.echoes() + 100);
				streams.awaitTicks(streams.ticks() + 100);
			}
			finally {
				sockets.close();
				streams.close();
			}
			report(sockets, streams);
			assertThat(processes.logText()).as("the drain waits for the long-lived exchanges until its timeout")
				.contains("Drain timeout PT3S reached");
			assertThat(sockets.servingPids()).contains(pid);
			assertThat(streams.servingPids()).contains(pid);
		}
	}

	private static void report(EchoSocketLoad sockets, EventStreamLoad streams) {
		Map<Integer, Long> closes = sockets.closeCodes();
		System.out.println("[long-lived] websocket: " + sockets.echoes() + " echoes, closes by code " + closes + ", "
				+ sockets.unanswered() + " crossed a close and were sent again, " + sockets.failures().size() + " failed");
		sockets.failures().stream().limit(10).forEach((failure) -> System.out.println("[long-lived]   " + failure));
		System.out.println("[long-lived] events: " + streams.ticks() + " ticks, " + streams.cleanEnds()
				+ " streams ended cleanly, " + streams.failures().size() + " failed");
		streams.failures().stream().limit(10).forEach((failure) -> System.out.println("[long-lived]   " + failure));
	}

}
