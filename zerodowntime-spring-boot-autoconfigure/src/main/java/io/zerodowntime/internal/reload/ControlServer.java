package io.zerodowntime.internal.reload;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The parent's end of the control channel for one reload: a Unix domain socket in a fresh
 * {@code 0700} directory, and a random token that only the spawned child receives (in its
 * environment). A connection is believed only if it presents the token and the child's
 * pid; anything else is answered {@code DENIED} and changes nothing. Each connection is
 * read on a thread of its own, so that a silent peer cannot hold up the child's report,
 * and every connection still open when the reload ends is closed with the server.
 *
 * @author zerodowntime
 */
final class ControlServer implements Closeable {

	private static final Log logger = LogFactory.getLog(ControlServer.class);

	private static final Duration FIRST_LINE_TIMEOUT = Duration.ofSeconds(5);

	private static final int MAX_SOCKET_PATH_LENGTH = 108;

	/**
	 * The most connections read at once; further ones are closed unread.
	 */
	private static final int MAX_OPEN_CONNECTIONS = 16;

	/**
	 * The longest random part {@link Files#createTempDirectory} adds to the prefix.
	 */
	private static final int CONTROL_DIRECTORY_SUFFIX_LENGTH = 20;

	private final Path directory;

	private final Path socket;

	private final List<Path> privateFiles = new CopyOnWriteArrayList<>();

	private final String token;

	private final ServerSocketChannel channel;

	private final CompletableFuture<Long> expectedPid = new CompletableFuture<>();

	private final CompletableFuture<ChildReport> report = new CompletableFuture<>();

	private final Set<ControlConnection> connections = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	private ControlServer(Path directory, String token) throws IOException {
		this.directory = directory;
		this.socket = directory.resolve("control.sock");
		this.token = token;
		this.channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			this.channel.bind(UnixDomainSocketAddress.of(this.socket));
		}
		catch (IOException | RuntimeException ex) {
			this.channel.close();
			throw ex;
		}
		Thread acceptor = new Thread(this::acceptReports, "zerodowntime-control");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static ControlServer open() throws IOException {
		Path base = controlBase(Path.of(System.getProperty("java.io.tmpdir")));
		Path directory = Files.createTempDirectory(base, "zerodowntime-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		try {
			return openIn(directory);
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(directory);
			throw ex;
		}
	}

	static ControlServer openIn(Path directory) throws IOException {
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		return new ControlServer(directory, HexFormat.of().formatHex(secret));
	}

	/**
	 * Where to create the control directory: the temporary directory, unless the socket
	 * path in it would be too long for a Unix socket address (108 bytes on Linux), then
	 * {@code /tmp}.
	 */
	static Path controlBase(Path temporaryDirectory) {
		int socketPathLength = temporaryDirectory.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length
				+ "/zerodowntime-".length() + CONTROL_DIRECTORY_SUFFIX_LENGTH + "/control.sock".length();
		return (socketPathLength < MAX_SOCKET_PATH_LENGTH) ? temporaryDirectory : Path.of("/tmp");
	}

	Path getSocket() {
		return this.socket;
	}

	String getToken() {
		return this.token;
	}

	/**
	 * Tell the server which process may report: the child that was just spawned.
	 * @param pid the child's pid
	 */
	void expect(long pid) {
		this.expectedPid.complete(pid);
	}

	/**
	 * Wait for the child to report, to exit or for the timeout, whichever comes first.
	 * @param child the child process
	 * @param timeout how long the child may take
	 * @return the child's report ({@code READY} or {@code UNHEALTHY})
	 * @throws ReloadFailedException if the child exited or did not report in time
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	ChildReport awaitReport(Process child, Duration timeout) throws InterruptedException {
		CompletableFuture<Object> first = CompletableFuture.anyOf(this.report, child.onExit());
		try {
			first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new ReloadFailedException(
					"child pid " + child.pid() + " did not become healthy within " + timeout + " (startup-timeout)");
		}
		catch (ExecutionException ex) {
			throw new ReloadFailedException("waiting for child pid " + child.pid() + " failed: " + ex.getCause());
		}
		ChildReport received = this.report.getNow(null);
		if (received == null) {
			throw new ReloadFailedException(
					"child pid " + child.pid() + " exited with code " + child.exitValue() + " before it was ready");
		}
		return received;
	}

	private void acceptReports() {
		try {
			while (this.channel.isOpen()) {
				SocketChannel accepted = this.channel.accept();
				if (this.connections.size() >= MAX_OPEN_CONNECTIONS) {
					logger.warn("Rejected a control connection: " + MAX_OPEN_CONNECTIONS + " already open");
					accepted.close();
					continue;
				}
				Thread reader = new Thread(() -> handle(accepted), "zerodowntime-control-connection");
				reader.setDaemon(true);
				reader.start();
			}
		}
		catch (ClosedChannelException ex) {
			// closed at the end of the reload
		}
		catch (IOException ex) {
			logger.warn("Control channel stopped accepting: " + ex);
		}
	}

	private void handle(SocketChannel accepted) {
		ControlConnection connection = null;
		try {
			connection = new ControlConnection(accepted);
			this.connections.add(connection);
			if (this.closed) {
				close(connection);
				return;
			}
			String line = connection.readLine(FIRST_LINE_TIMEOUT);
			ChildReport received = (line != null) ? authenticate(line, connection) : null;
			if (received != null && this.report.complete(received)) {
				if (this.closed) {
					// the reload ended (timed out) while this report was on its way
					close(connection);
				}
				return;
			}
			connection.writeLine("DENIED");
			close(connection);
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				logger.warn("Rejected a control connection: " + ex.getMessage());
			}
			if (connection != null) {
				close(connection);
			}
			else {
				closeQuietly(accepted);
			}
		}
	}

	private void close(ControlConnection connection) {
		this.connections.remove(connection);
		connection.close();
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// nothing more to release
		}
	}

	private @Nullable ChildReport authenticate(String line, ControlConnection connection) {
		String[] parts = line.split(" ", 4);
		if (parts.length < 3 || !(parts[0].equals("READY") || parts[0].equals("UNHEALTHY"))) {
			logger.warn("Rejected a control connection with a malformed report");
			return null;
		}
		boolean tokenMatches = MessageDigest.isEqual(this.token.getBytes(StandardCharsets.UTF_8),
				parts[2].getBytes(StandardCharsets.UTF_8));
		Long expected = this.expectedPid.getNow(null);
		if (!tokenMatches || expected == null || !parts[1].equals(expected.toString())) {
			logger.warn("Rejected a control connection that claimed pid " + parts[1]
					+ " with a wrong token or pid; the reload is unaffected");
			return null;
		}
		boolean ready = parts[0].equals("READY");
		return new ChildReport(ready, (parts.length > 3) ? parts[3] : "", connection);
	}

	/**
	 * Write a file that only the child of this reload reads, in the channel's private
	 * directory; it goes when the channel closes.
	 * @param name the file's name
	 * @param lines its lines
	 * @return its path
	 * @throws IOException if it cannot be written
	 */
	Path writePrivateFile(String name, List<String> lines) throws IOException {
		Path file = Files.createFile(this.directory.resolve(name),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		this.privateFiles.add(file);
		Files.write(file, lines, StandardCharsets.UTF_8);
		return file;
	}

	/**
	 * Stop accepting and close every connection, the child's report included: the reload
	 * this channel served has ended.
	 */
	@Override
	public void close() {
		this.closed = true;
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// nothing more to release
		}
		this.connections.forEach(this::close);
		try {
			Files.deleteIfExists(this.socket);
			for (Path file : this.privateFiles) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			logger.warn("Could not remove control directory " + this.directory + ": " + ex);
		}
	}

	/**
	 * What the child reported, and the connection to answer it on.
	 *
	 * @param ready whether the child is ready ({@code READY}) rather than unhealthy
	 * @param details the health details the child sent
	 * @param connection the open connection to the child
	 */
	record ChildReport(boolean ready, String details, ControlConnection connection) {
	}

}
