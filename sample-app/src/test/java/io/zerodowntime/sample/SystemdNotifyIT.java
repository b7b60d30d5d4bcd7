package io.zerodowntime.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.NotifyReceiver;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample under a stand-in for systemd: a datagram socket the test owns, passed as
 * {@code NOTIFY_SOCKET}, receives exactly the messages a {@code Type=notify} unit needs
 * across a successful reload and a failed one.
 */
class SystemdNotifyIT {

	private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(120);

	private static final Pattern MONOTONIC = Pattern.compile("MONOTONIC_USEC=(\\d+)");

	@TempDir
	Path temp;

	@Test
	void notifiesReadyReloadingAndTheNewMainPid() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		Path healthFile = this.temp.resolve("health.txt");
		try (NotifyReceiver systemd = NotifyReceiver.bind(this.temp.resolve("notify.sock"));
				TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.environment(Map.of("NOTIFY_SOCKET", this.temp.resolve("notify.sock").toString()));
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument(), "--sample.health-file=" + healthFile);
			assertThat(systemd.next(MESSAGE_TIMEOUT)).isEqualTo("READY=1\nSTATUS=Serving as generation 0\n");

			long triggeredAt = System.nanoTime();
			ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
			long child = handover.newPid();
			String reloading = systemd.next(MESSAGE_TIMEOUT);
			assertThat(reloading).startsWith("RELOADING=1\nMONOTONIC_USEC=")
				.contains("\nSTATUS=Reloading: child pid " + child + " is starting\nX_ZERODOWNTIME_RELOAD=started ");
			assertMonotonicNear(reloading, triggeredAt);
			// the child names itself after it took over; the parent reports the handover:
			// both happen once the child serves, in either order
			List<String> handoverMessages = List.of(systemd.next(MESSAGE_TIMEOUT), systemd.next(MESSAGE_TIMEOUT));
			assertThat(handoverMessages).contains("MAINPID=" + child + "\nREADY=1\nSTATUS=Serving as generation 1\n");
			assertThat(handoverMessages).anySatisfy((message) -> assertThat(message)
				.matches("STATUS=Handed over to pid " + child + "; draining\nX_ZERODOWNTIME_RELOAD=succeeded \\w+\n"));

			Files.writeString(healthFile, "DOWN");
			HttpExchange.Response accepted = service.post("/actuator/reload");
			assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
			long doomed = ServiceUnderTest.childPid(accepted);
			assertThat(systemd.next(MESSAGE_TIMEOUT)).startsWith("RELOADING=1\nMONOTONIC_USEC=")
				.contains("\nSTATUS=Reloading: child pid " + doomed + " is starting\nX_ZERODOWNTIME_RELOAD=started ");
			assertThat(systemd.next(MESSAGE_TIMEOUT)).startsWith("MAINPID=" + child + "\nREADY=1\nSTATUS=Reload ")
				.contains("failed: child pid " + doomed + " is not healthy")
				.contains("\nX_ZERODOWNTIME_RELOAD=failed ");
			assertThat(SampleProcesses.awaitExit(doomed, Duration.ofSeconds(30))).isTrue();

			List<String> extra = new ArrayList<>();
			String message = systemd.next(Duration.ofSeconds(3));
			while (message != null) {
				extra.add(message);
				message = systemd.next(Duration.ofSeconds(3));
			}
			assertThat(extra).as("messages beyond the expected ones").isEmpty();
			assertThat(processes.generationPids()).containsExactly(child);
		}
	}

	/**
	 * {@code MONOTONIC_USEC} is on the clock systemd uses, {@code CLOCK_MONOTONIC}, which is
	 * also this JVM's {@link System#nanoTime()} on Linux.
	 */
	private static void assertMonotonicNear(String message, long triggeredAtNanos) {
		Matcher matcher = MONOTONIC.matcher(message);
		assertThat(matcher.find()).isTrue();
		long sentAt = Long.parseLong(matcher.group(1));
		assertThat(sentAt).as("MONOTONIC_USEC").isBetween(TimeUnit.NANOSECONDS.toMicros(triggeredAtNanos),
				TimeUnit.NANOSECONDS.toMicros(System.nanoTime()));
	}

}
