package io.zerodowntime.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import jnr.constants.platform.OpenFlags;
import jnr.ffi.LibraryLoader;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A network namespace that a test creates for itself, so that kernel settings such as
 * {@code net.ipv4.tcp_migrate_req} are changed there and never on the host. Processes run
 * in it through {@code ip netns exec}; test threads enter it with {@code setns(2)}, which
 * moves only the calling thread.
 */
public final class NetworkNamespace implements TestNetwork {

	private static final int CLONE_NEWNET = 0x40000000;

	private final String name;

	private NetworkNamespace(String name) {
		this.name = name;
	}

	/**
	 * Create a namespace with loopback up and the given sysctls, or skip the test when
	 * not root.
	 */
	public static NetworkNamespace create(String... sysctls) throws IOException, InterruptedException {
		assumeTrue(POSIXFactory.getNativePOSIX().geteuid() == 0,
				"needs root to create a network namespace (ip netns add); skipped");
		NetworkNamespace namespace = new NetworkNamespace("zdt-" + UUID.randomUUID().toString().substring(0, 8));
		run("ip", "netns", "add", namespace.name);
		try {
			run("ip", "-n", namespace.name, "link", "set", "lo", "up");
			for (String sysctl : sysctls) {
				String[] keyValue = sysctl.split("=", 2);
				String path = "/proc/sys/" + keyValue[0].replace('.', '/');
				run("ip", "netns", "exec", namespace.name, "sh", "-c", "echo " + keyValue[1] + " > " + path);
				String value = output("ip", "netns", "exec", namespace.name, "cat", path).trim();
				if (!value.equals(keyValue[1])) {
					throw new IllegalStateException(sysctl + " inside " + namespace.name + " is " + value);
				}
			}
			return namespace;
		}
		catch (IOException | RuntimeException | Error ex) {
			try {
				namespace.close();
			}
			catch (Exception closeFailure) {
				ex.addSuppressed(closeFailure);
			}
			throw ex;
		}
	}

	/**
	 * Name the network namespace of a running process (say, a container's PID 1) so that
	 * test threads can enter it; closing removes the name, not the namespace.
	 */
	public static NetworkNamespace attach(long pid) throws IOException, InterruptedException {
		NetworkNamespace namespace = new NetworkNamespace("zdt-" + UUID.randomUUID().toString().substring(0, 8));
		run("ip", "netns", "attach", namespace.name, Long.toString(pid));
		return namespace;
	}

	@Override
	public List<String> wrap(List<String> command) {
		List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", this.name));
		wrapped.addAll(command);
		return wrapped;
	}

	@Override
	public ThreadFactory threads() {
		return (runnable) -> new Thread(() -> {
			enterCurrentThread();
			runnable.run();
		});
	}

	/**
	 * Move the calling thread into this namespace.
	 */
	public void enterCurrentThread() {
		POSIX posix = POSIXFactory.getNativePOSIX();
		int fd = posix.open("/run/netns/" + this.name, OpenFlags.O_RDONLY.intValue(), 0);
		if (fd < 0) {
			throw new IllegalStateException("cannot open namespace " + this.name + ": errno " + posix.errno());
		}
		try {
			if (LibC.INSTANCE.setns(fd, CLONE_NEWNET) != 0) {
				throw new IllegalStateException("setns into " + this.name + " failed: errno " + posix.errno());
			}
		}
		finally {
			posix.close(fd);
		}
	}

	public String name() {
		return this.name;
	}

	@Override
	public void close() throws Exception {
		TestNetwork.super.close();
		run("ip", "netns", "del", this.name);
	}

	private static void run(String... command) throws IOException, InterruptedException {
		output(command);
	}

	private static String output(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IOException(String.join(" ", command) + " failed: " + output);
		}
		return output;
	}

	/**
	 * The one libc call jnr-posix does not offer.
	 */
	public interface LibC {

		LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

		int setns(int fd, int nstype);

	}

}
