package io.zerodowntime.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReloadCommand} against a control socket that answers as a supervisor
 * would, found the way the command finds it: under the temporary directory, for a pid or
 * one of its ancestors (this JVM stands in for the supervisor).
 */
class ReloadCommandTests {

	private static final long SELF = ProcessHandle.current().pid();

	private final Path directory = Path.of(System.getProperty("java.io.tmpdir"), "zerodowntime-" + SELF);

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@TempDir
	Path temp;

	@AfterEach
	void removeSocket() throws Exception {
		Files.deleteIfExists(this.directory.resolve("control.sock"));
		Files.deleteIfExists(this.directory);
	}

	@Test
	void aReloadThatSucceedsExitsZero() throws Exception {
		CompletableFuture<String> request = answerOnce("SUCCEEDED Handed over to pid 42; draining");
		assertThat(run(Long.toString(SELF))).isZero();
		assertThat(request.get(10, TimeUnit.SECONDS)).isEqualTo("RELOAD\n");
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("reloaded: Handed over to pid 42");
	}

	@Test
	void aFailedReloadExitsOneWithTheReasonOnStandardError() throws Exception {
		answerOnce("FAILED Reload ab12 failed: child pid 43 is not healthy");
		assertThat(run(Long.toString(SELF))).isOne();
		assertThat(this.err.toString(StandardCharsets.UTF_8))
			.contains("reload failed: Reload ab12 failed: child pid 43 is not healthy");
	}

	@Test
	void aRefusedReloadExitsOne() throws Exception {
		answerOnce("REFUSED Reload refused: a reload is already under way");
		assertThat(run(Long.toString(SELF))).isOne();
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("reload refused: ");
	}

	@Test
	void theSupervisorIsFoundFromAChildsPidOrAPidFile() throws Exception {
		answerOnce("SUCCEEDED ok");
		Process child = new ProcessBuilder("sleep", "30").start();
		try {
			Path pidFile = Files.writeString(this.temp.resolve("app.pid"), child.pid() + "\n");
			assertThat(run(pidFile.toString())).isZero();
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void withoutASupervisorItExitsTwoAndSaysHowToGetOne() throws Exception {
		Process stranger = new ProcessBuilder("sleep", "30").start();
		try {
			// its ancestors are this JVM and beyond, but no control socket exists
			assertThat(run(Long.toString(stranger.pid()))).isEqualTo(2);
			assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("zerodowntime.supervisor");
		}
		finally {
			stranger.destroyForcibly();
		}
	}

	private int run(String argument) {
		return ReloadCommand.run(new String[] { argument }, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	private CompletableFuture<String> answerOnce(String outcome) throws Exception {
		Files.createDirectories(this.directory);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(this.directory.resolve("control.sock")));
		return CompletableFuture.supplyAsync(() -> {
			try (server; SocketChannel client = server.accept()) {
				ByteBuffer request = ByteBuffer.allocate(64);
				client.read(request);
				client.write(ByteBuffer.wrap((outcome + "\n").getBytes(StandardCharsets.UTF_8)));
				return new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

}
