package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the file descriptor of this process's listening TCP socket on a port, without
 * reflection into the JDK: the kernel lists listening sockets with their inode in
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}, and {@code /proc/self/fd} links each
 * descriptor to {@code socket:[inode]}.
 *
 * @author zerodowntime
 */
public final class ListeningSockets {

	private static final String LISTEN_STATE = "0A";

	private final Path proc;

	public ListeningSockets() {
		this(Path.of("/proc"));
	}

	ListeningSockets(Path proc) {
		this.proc = proc;
	}

	/**
	 * Return the descriptor of this process's socket listening on the port.
	 * @param port the TCP port
	 * @return the descriptor, or empty if this process has none listening on it
	 * @throws IOException if {@code /proc} cannot be read
	 */
	public OptionalInt findDescriptor(int port) throws IOException {
		int[] descriptors = findDescriptors(port);
		return (descriptors.length > 0) ? OptionalInt.of(descriptors[0]) : OptionalInt.empty();
	}

	/**
	 * Return the descriptors of every socket this process has listening on the port: more
	 * than one if they are bound to different addresses.
	 * @param port the TCP port
	 * @return the descriptors, lowest first; empty if this process has none listening on it
	 * @throws IOException if {@code /proc} cannot be read
	 */
	public int[] findDescriptors(int port) throws IOException {
		Set<String> inodes = listeningInodes(port);
		if (inodes.isEmpty()) {
			return new int[0];
		}
		try (Stream<Path> descriptors = Files.list(this.proc.resolve("self/fd"))) {
			return descriptors.filter((descriptor) -> inodes.contains(socketInode(descriptor)))
				.mapToInt((descriptor) -> Integer.parseInt(descriptor.getFileName().toString()))
				.sorted()
				.toArray();
		}
	}

	Set<String> listeningInodes(int port) throws IOException {
		Set<String> inodes = new HashSet<>();
		boolean anyTableRead = false;
		for (String table : List.of("net/tcp", "net/tcp6")) {
			Path path = this.proc.resolve(table);
			if (!Files.isReadable(path)) {
				continue;
			}
			anyTableRead = true;
			for (String line : Files.readAllLines(path)) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length < 10 || !fields[3].equals(LISTEN_STATE)) {
					continue;
				}
				String local = fields[1];
				int localPort = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1).toUpperCase(Locale.ROOT),
						16);
				if (localPort == port) {
					inodes.add(fields[9]);
				}
			}
		}
		if (!anyTableRead) {
			throw new IOException("neither " + this.proc.resolve("net/tcp") + " nor " + this.proc.resolve("net/tcp6")
					+ " can be read, so the listening socket cannot be found");
		}
		return inodes;
	}

	private static String socketInode(Path descriptor) {
		try {
			String target = Files.readSymbolicLink(descriptor).toString();
			return target.startsWith("socket:[") ? target.substring(8, target.length() - 1) : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

}
