package io.zerodowntime.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In {@code inherit} mode the child gets the parent's listener on descriptor 0 and no
 * other socket of the parent: none of the client connections the parent holds open while
 * the child starts, under load. Behind a supervisor, no generation holds any of the
 * supervisor's sockets (its notify inbox and control socket) either.
 */
class DescriptorHygieneIT {

	@TempDir
	Path temp;

	@ParameterizedTest(name = "supervisor {0}")
	@ValueSource(strings = { "never", "always" })
	void childInheritsTheListenerAndNoOtherSocket(String supervisor) throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network(); SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.supervisor(supervisor);
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long parent = service.start(handoff.argument());
			Set<String> supervisorSockets = new HashSet<>();
			service.supervisorPid().ifPresent((pid) -> supervisorSockets.addAll(socketInodes(pid).values()));
			assertThat(supervisorSockets.isEmpty()).as("no supervisor, or one with sockets")
				.isEqualTo(supervisor.equals("never"));
			LoadGenerator load = LoadGenerator.start(port, Mode.KEEP_ALIVE, 20, network.threads());
			Set<String> parentSockets = new HashSet<>();
			Set<String> childSocketsWhileStarting = new HashSet<>();
			Map<Integer, String> childFirstSeen;
			long child;
			try {
				load.awaitSuccesses(500);
				parentSockets.addAll(socketInodes(parent).values());
				assertThat(parentSockets).as("parent holds the clients' connections").hasSizeGreaterThan(10);
				long triggeredAt = System.nanoTime();
				HttpExchange.Response accepted = service.post("/actuator/reload");
				assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
				child = ServiceUnderTest.childPid(accepted);
				parentSockets.addAll(socketInodes(parent).values());
				childFirstSeen = socketInodes(child);
				childSocketsWhileStarting.addAll(childFirstSeen.values());
				while (service.readPidFile() == parent) {
					childSocketsWhileStarting.addAll(socketInodes(child).values());
					Thread.sleep(100);
				}
				service.awaitHandover(parent, triggeredAt);
				load.awaitSuccesses(load.successes() + 200);
			}
			finally {
				load.close();
			}
			String listener = childFirstSeen.get(0);
			assertThat(listener).as("child descriptor 0 is a socket").isNotNull();
			assertThat(parentSockets).as("child's descriptor 0 is the parent's listener").contains(listener);
			Set<String> leaked = new HashSet<>(childSocketsWhileStarting);
			leaked.remove(listener);
			leaked.retainAll(parentSockets);
			assertThat(leaked).as("parent's sockets found in the child").isEmpty();
			Set<String> generationsSockets = new HashSet<>(parentSockets);
			generationsSockets.addAll(childSocketsWhileStarting);
			generationsSockets.retainAll(supervisorSockets);
			assertThat(generationsSockets).as("supervisor's sockets found in a generation").isEmpty();
			assertThat(load.failures()).isEmpty();
		}
	}

	/**
	 * Descriptor number to socket inode, for every socket descriptor of the process.
	 */
	static Map<Integer, String> socketInodes(long pid) {
		Map<Integer, String> sockets = new HashMap<>();
		try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			descriptors.forEach((descriptor) -> {
				try {
					String target = Files.readSymbolicLink(descriptor).toString();
					if (target.startsWith("socket:[")) {
						sockets.put(Integer.parseInt(descriptor.getFileName().toString()), target);
					}
				}
				catch (IOException ex) {
					// closed while listing
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return sockets;
	}

}
