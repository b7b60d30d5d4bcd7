package io.zerodowntime.internal.supervisor;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;


/**
 * The supervisor's control socket, {@code zerodowntime-PID/control.sock} under the
 * temporary directory, in a directory only its user can enter: a client writes
 * {@code RELOAD} and gets, once the reload has ended, one line {@code SUCCEEDED …},
 * {@code FAILED …} or {@code REFUSED …} (see {@code io.zerodowntime.cli.ReloadCommand}).
 *
 * @author zerodowntime
 */
public final class ControlSocket implements Closeable {

	private static final String FILE_NAME = "control.sock";

	/**
	 * Longest wait for one reload: far beyond any startup timeout; the client or the
	 * service manager gives up sooner.
	 */
	private static final Duration LONGEST_RELOAD = Duration.ofHours(1);

	private final ServerSocketChannel server;

	private final Path path;

	private ControlSocket(ServerSocketChannel server, Path path) {
		this.server = server;
		this.path = path;
	}

	/**
	 * Return where the supervisor with the pid listens, for a client.
	 * @param temporaryDirectory the supervisor's temporary directory
	 * @param pid the supervisor's pid
	 * @return the socket's path
	 */
	public static Path pathOf(Path temporaryDirectory, long pid) {
		return directoryOf(temporaryDirectory, pid).resolve(FILE_NAME);
	}

	private static Path directoryOf(Path temporaryDirectory, long pid) {
		return temporaryDirectory.resolve("zerodowntime-" + pid);
	}

	/**
	 * Return the directory of the supervisor with the pid: created for this user alone,
	 * or reused when a supervisor with the same pid left it (a container restarted with
	 * its file system).
	 * @param temporaryDirectory the temporary directory
	 * @param pid the supervisor's pid
	 * @return the directory
	 * @throws IOException if it cannot be created, or exists and is not this user's
	 */
	static Path directory(Path temporaryDirectory, long pid) throws IOException {
		Path directory = directoryOf(temporaryDirectory, pid);
		if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			return Files.createDirectory(directory,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		Object owner = Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
		// /proc/self belongs to this process's effective user
		if (!owner.equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
			throw new IOException(directory + " exists and belongs to another user");
		}
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
		return directory;
	}

	/**
	 * Listen in the directory and answer each client on a thread of its own.
	 * @param directory the supervisor's directory
	 * @param reload triggers a reload and returns its outcome, or the reason it cannot
	 * @param logger where to log
	 * @return the control socket
	 * @throws IOException if it cannot be bound
	 */
	static ControlSocket listen(Path directory, Supplier<CompletableFuture<String>> reload, SupervisorLog logger)
			throws IOException {
		Path path = directory.resolve(FILE_NAME);
		Files.deleteIfExists(path);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			server.bind(UnixDomainSocketAddress.of(path));
		}
		catch (IOException ex) {
			server.close();
			throw ex;
		}
		ControlSocket control = new ControlSocket(server, path);
		Thread acceptor = new Thread(() -> control.accept(reload, logger), "zerodowntime-supervisor-control");
		acceptor.setDaemon(true);
		acceptor.start();
		return control;
	}

	private void accept(Supplier<CompletableFuture<String>> reload, SupervisorLog logger) {
		while (this.server.isOpen()) {
			try {
				SocketChannel client = this.server.accept();
				Thread answer = new Thread(() -> answer(client, reload, logger), "zerodowntime-supervisor-client");
				answer.setDaemon(true);
				answer.start();
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private static void answer(SocketChannel client, Supplier<CompletableFuture<String>> reload,
			SupervisorLog logger) {
		try (client) {
			ByteBuffer request = ByteBuffer.allocate(64);
			while (request.hasRemaining() && client.read(request) > 0
					&& new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII).indexOf('\n') < 0) {
				// read one short line
			}
			String command = new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII).trim();
			String outcome = command.equals("RELOAD") ? await(reload.get()) : "REFUSED unknown command: " + command;
			client.write(ByteBuffer.wrap((outcome + "\n").getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException ex) {
			logger.debug("A control client went away: " + ex.getMessage());
		}
	}

	private static String await(CompletableFuture<String> outcome) {
		try {
			return outcome.get(LONGEST_RELOAD.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			return "FAILED no outcome: " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "FAILED interrupted";
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		Files.deleteIfExists(this.path);
	}

}
