package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link ControlServer} and the child's side, {@link ControlConnection}.
 */
class ControlServerTests {

	@Test
	void controlDirectoryGoesToTmpWhenTheTemporaryDirectoryIsTooDeepForASocketPath() {
		Path shallow = Path.of("/var/tmp/app");
		Path deep = Path.of("/var/lib/myservice/" + "x".repeat(80));
		assertThat(ControlServer.controlBase(shallow)).isEqualTo(shallow);
		assertThat(ControlServer.controlBase(deep)).isEqualTo(Path.of("/tmp"));
	}

	@Test
	void controlDirectoryIsPrivate() throws IOException {
		try (ControlServer server = ControlServer.open()) {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.getSocket().getParent())))
				.isEqualTo("rwx------");
		}
	}

	@Test
	void wrongTokenOrPidIsDeniedAndChangesNothing() throws Exception {
		Process child = sleeper();
		try (ControlServer server = ControlServer.open()) {
			server.expect(child.pid());
			assertThat(send(server, "READY " + child.pid() + " not-the-token")).isEqualTo("DENIED");
			assertThat(send(server, "READY 1 " + server.getToken())).isEqualTo("DENIED");
			assertThat(send(server, "HELLO")).isEqualTo("DENIED");
			CompletableFuture<ControlServer.ChildReport> report = CompletableFuture
				.supplyAsync(() -> awaitQuietly(server, child, Duration.ofMillis(500)));
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> report.get(10, TimeUnit.SECONDS))
				.withMessageContaining("did not become healthy within PT0.5S");
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void reportWithTokenAndPidIsBelieved() throws Exception {
		Process child = sleeper();
		try (ControlServer server = ControlServer.open()) {
			server.expect(child.pid());
			try (ControlConnection connection = ControlConnection.connect(server.getSocket())) {
				connection.writeLine("UNHEALTHY " + child.pid() + " " + server.getToken() + " DOWN db unreachable");
				ControlServer.ChildReport report = server.awaitReport(child, Duration.ofSeconds(10));
				assertThat(report.ready()).isFalse();
				assertThat(report.details()).isEqualTo("DOWN db unreachable");
			}
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void childExitBeforeReportFailsWithItsExitCode() throws Exception {
		Process child = new ProcessBuilder("sh", "-c", "exit 3").start();
		try (ControlServer server = ControlServer.open()) {
			server.expect(child.pid());
			assertThatExceptionOfType(ReloadFailedException.class)
				.isThrownBy(() -> server.awaitReport(child, Duration.ofSeconds(30)))
				.withMessageContaining("exited with code 3 before it was ready");
		}
	}

	@Test
	void closeRemovesTheSocketAndDirectory() throws IOException {
		ControlServer server = ControlServer.open();
		server.close();
		assertThat(server.getSocket()).doesNotExist();
		assertThat(server.getSocket().getParent()).doesNotExist();
	}

	@Test
	void aPrivateFileIsReadableByItsOwnerOnlyAndGoesWithTheChannel() throws IOException {
		ControlServer server = ControlServer.open();
		Path file = server.writePrivateFile("warm-up-requests", List.of("/a", "/b?c=1"));
		assertThat(file.getParent()).isEqualTo(server.getSocket().getParent());
		assertThat(Files.readAllLines(file)).containsExactly("/a", "/b?c=1");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		server.close();
		assertThat(file).doesNotExist();
		assertThat(file.getParent()).doesNotExist();
	}

	@Test
	void aControlChannelThatCannotBindLeavesNoDescriptorOpen(@TempDir Path directory) throws IOException {
		// a file in the socket's place: bind fails
		Files.createFile(directory.resolve("control.sock"));
		long before = openSocketDescriptors();
		for (int i = 0; i < 20; i++) {
			assertThatIOException().isThrownBy(() -> ControlServer.openIn(directory));
		}
		assertThat(openSocketDescriptors()).isEqualTo(before);
	}

	@Test
	void aSilentPeerDoesNotHoldUpTheChildsReport() throws Exception {
		Process child = sleeper();
		try (ControlServer server = ControlServer.open();
				ControlConnection silent = ControlConnection.connect(server.getSocket());
				ControlConnection real = ControlConnection.connect(server.getSocket())) {
			server.expect(child.pid());
			real.writeLine("READY " + child.pid() + " " + server.getToken());
			// shorter than the time the server gives a peer for its first line
			ControlServer.ChildReport report = server.awaitReport(child, Duration.ofSeconds(3));
			assertThat(report.ready()).isTrue();
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void aReportThatArrivesAfterTheReloadEndedIsClosed() throws Exception {
		Process child = sleeper();
		try (ControlConnection late = connectAndCloseAfterTimeout(child)) {
			// the server's end is closed: writing the report or reading the answer fails
			assertThatIOException().isThrownBy(() -> {
				late.writeLine("READY " + child.pid() + " " + this.token);
				late.readLine(Duration.ofSeconds(10));
			});
		}
		finally {
			child.destroyForcibly();
		}
	}

	private String token;

	private ControlConnection connectAndCloseAfterTimeout(Process child) throws Exception {
		try (ControlServer server = ControlServer.open()) {
			server.expect(child.pid());
			this.token = server.getToken();
			ControlConnection late = ControlConnection.connect(server.getSocket());
			assertThatExceptionOfType(ReloadFailedException.class)
				.isThrownBy(() -> server.awaitReport(child, Duration.ofMillis(300)));
			return late;
		}
	}

	private static long openSocketDescriptors() throws IOException {
		try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
			return descriptors.filter((fd) -> {
				try {
					return Files.readSymbolicLink(fd).toString().startsWith("socket:");
				}
				catch (IOException ex) {
					return false;
				}
			}).count();
		}
	}

	private static String send(ControlServer server, String line) throws IOException {
		try (ControlConnection connection = ControlConnection.connect(server.getSocket())) {
			connection.writeLine(line);
			return connection.readLine(Duration.ofSeconds(10));
		}
	}

	private static ControlServer.ChildReport awaitQuietly(ControlServer server, Process child, Duration timeout) {
		try {
			return server.awaitReport(child, timeout);
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Process sleeper() throws IOException {
		return new ProcessBuilder("sleep", "60").start();
	}

}
