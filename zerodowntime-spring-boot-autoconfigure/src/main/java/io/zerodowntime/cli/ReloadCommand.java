package io.zerodowntime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.zerodowntime.internal.supervisor.ControlSocket;
import org.jspecify.annotations.Nullable;

/**
 * Reloads a supervised service and waits until the reload has ended: exits 0 once the new
 * generation serves, 1 with the reason on standard error when the reload failed (and was
 * rolled back) or was refused, 2 when no supervisor can be reached. For
 * {@code ExecReload=} of a systemd unit and for deploy scripts. It runs from the
 * application's own jar, without starting the application:
 *
 * <pre>
 * java -cp app.jar -Dloader.main=io.zerodowntime.cli.ReloadCommand \
 *     org.springframework.boot.loader.launch.PropertiesLauncher PID
 * </pre>
 *
 * {@code PID} is the supervisor's pid, the pid of any generation, or a PID file.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public final class ReloadCommand {

	private static final String TMPDIR_OPTION = "-Djava.io.tmpdir=";

	private ReloadCommand() {
	}

	public static void main(String[] arguments) {
		System.exit(run(arguments, System.out, System.err));
	}

	static int run(String[] arguments, PrintStream out, PrintStream err) {
		if (arguments.length != 1) {
			err.println("usage: ReloadCommand PID|PID-FILE");
			return 2;
		}
		long pid;
		try {
			pid = pidOf(arguments[0]);
		}
		catch (IOException | NumberFormatException ex) {
			err.println("not a pid or a PID file: " + arguments[0] + " (" + ex.getMessage() + ")");
			return 2;
		}
		Path socket = controlSocketOf(pid);
		if (socket == null) {
			err.println("no supervisor found for pid " + pid + " or its parents: is zerodowntime.supervisor on "
					+ "(it is where something follows the service's pid, or with zerodowntime.supervisor=always)?");
			return 2;
		}
		String outcome;
		try {
			outcome = requestReload(socket);
		}
		catch (IOException ex) {
			err.println("cannot reach the supervisor at " + socket + ": " + ex.getMessage());
			return 2;
		}
		if (outcome.startsWith("SUCCEEDED")) {
			out.println("reloaded: " + outcome.substring("SUCCEEDED".length()).trim());
			return 0;
		}
		err.println("reload " + (outcome.startsWith("REFUSED") ? "refused" : "failed") + ": "
				+ outcome.replaceFirst("^(FAILED|REFUSED) ?", ""));
		return 1;
	}

	private static long pidOf(String argument) throws IOException {
		Path file = Path.of(argument);
		String pid = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.US_ASCII) : argument;
		return Long.parseLong(pid.trim());
	}

	/**
	 * Find the control socket of the supervisor: the pid's own, or an ancestor's (a
	 * generation's supervisor is its parent or further up).
	 */
	static @Nullable Path controlSocketOf(long pid) {
		Optional<ProcessHandle> process = ProcessHandle.of(pid);
		while (process.isPresent()) {
			Path socket = ControlSocket.pathOf(temporaryDirectoryOf(process.get().pid()), process.get().pid());
			if (Files.exists(socket)) {
				return socket;
			}
			process = process.get().parent();
		}
		return null;
	}

	/**
	 * The supervisor's temporary directory: its {@code -Djava.io.tmpdir}, or this JVM's.
	 */
	private static Path temporaryDirectoryOf(long pid) {
		try {
			byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
			for (String argument : List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0"))) {
				if (argument.startsWith(TMPDIR_OPTION)) {
					return Path.of(argument.substring(TMPDIR_OPTION.length()));
				}
			}
		}
		catch (IOException ex) {
			// gone, or not ours to read
		}
		return Path.of(System.getProperty("java.io.tmpdir"));
	}

	private static String requestReload(Path socket) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			channel.write(ByteBuffer.wrap("RELOAD\n".getBytes(StandardCharsets.US_ASCII)));
			ByteBuffer answer = ByteBuffer.allocate(8192);
			while (channel.read(answer) > 0 && answer.hasRemaining()) {
				// until the supervisor closes the connection
			}
			String line = new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8).trim();
			if (line.isEmpty()) {
				throw new IOException("the supervisor closed the connection without an outcome");
			}
			return line;
		}
	}

}
