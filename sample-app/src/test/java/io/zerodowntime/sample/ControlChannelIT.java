package io.zerodowntime.sample;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local process that finds a reload's control socket (here by reading the child's
 * environment, which needs the same uid or root) and reports with a wrong token, a wrong
 * pid or garbage is answered {@code DENIED}: the parent keeps serving, the reload stays
 * where it was, and the real child still takes over.
 */
class ControlChannelIT {

	@TempDir
	Path temp;

	@Test
	void forgedReportsAreDeniedAndChangeNothing() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		Path extraConfig = this.temp.resolve("extra.properties");
		try (TestNetwork network = handoff.network(); SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument(), "--spring.config.import=optional:file:" + extraConfig);
			// the child takes a while to start, which leaves time to forge reports
			Files.writeString(extraConfig, "sample.startup-delay=15s\n");
			long triggeredAt = System.nanoTime();
			HttpExchange.Response accepted = service.post("/actuator/reload");
			assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
			long child = ServiceUnderTest.childPid(accepted);
			Path socket = Path.of(environmentVariable(child, "ZERODOWNTIME_CONTROL_SOCKET").orElseThrow());
			String token = environmentVariable(child, "ZERODOWNTIME_TOKEN").orElseThrow();

			assertThat(report(socket, "READY " + child + " " + "0".repeat(token.length()))).isEqualTo("DENIED");
			assertThat(report(socket, "READY " + pid + " " + token)).as("right token, wrong pid").isEqualTo("DENIED");
			assertThat(report(socket, "UNHEALTHY " + child + " forged")).isEqualTo("DENIED");
			assertThat(report(socket, "HAND OVER NOW")).isEqualTo("DENIED");

			String status = service.get("/actuator/reload").body();
			assertThat(status).contains("\"state\":\"STARTING\"").contains("\"childPid\":" + child);
			assertThat(service.get("/").servedBy()).isEqualTo(pid);
			assertThat(processes.logText()).contains("Rejected a control connection");

			ServiceUnderTest.Handover handover = service.awaitHandover(pid, triggeredAt);
			assertThat(handover.newPid()).as("the real child took over").isEqualTo(child);
			assertThat(processes.generationPids()).containsExactly(child);
		}
	}

	private static String report(Path socket, String line) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
			ByteBuffer answer = ByteBuffer.allocate(256);
			while (channel.read(answer) >= 0 && !new String(answer.array(), 0, answer.position()).contains("\n")) {
				// the parent answers one line
			}
			return new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8).trim();
		}
	}

	private static Optional<String> environmentVariable(long pid, String name) throws IOException {
		byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
		return Arrays.stream(new String(environ, StandardCharsets.UTF_8).split("\0"))
			.filter((entry) -> entry.startsWith(name + "="))
			.map((entry) -> entry.substring(name.length() + 1))
			.findFirst();
	}

}
