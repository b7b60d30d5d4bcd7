package io.zerodowntime.internal.supervisor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zerodowntime.internal.systemd.NotifySocket;
import org.jspecify.annotations.Nullable;

/**
 * The supervisor's own {@code NOTIFY_SOCKET}: the generations tell it, exactly as they
 * would tell systemd, which of them serves ({@code MAINPID}), when they are ready and when
 * a reload starts.
 *
 * @author zerodowntime
 */
final class NotifyInbox implements Closeable {

	private static final int AF_UNIX = 1;

	private static final int SOCK_DGRAM = 2;

	private static final int SOCK_CLOEXEC = 0x80000;

	private final SupervisorLibC libc;

	private final Path path;

	private final int socket;

	private volatile boolean closed;

	private NotifyInbox(SupervisorLibC libc, Path path, int socket) {
		this.libc = libc;
		this.path = path;
		this.socket = socket;
	}

	static NotifyInbox bind(SupervisorLibC libc, Path path) throws IOException {
		Files.deleteIfExists(path);
		byte[] address = NotifySocket.sockaddr(path.toString());
		int socket = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (socket < 0) {
			throw new IOException("cannot create a Unix datagram socket");
		}
		if (libc.bind(socket, address, address.length) != 0) {
			libc.close(socket);
			throw new IOException("cannot bind a Unix datagram socket at " + path);
		}
		return new NotifyInbox(libc, path, socket);
	}

	Path getPath() {
		return this.path;
	}

	/**
	 * Wait for the next message.
	 * @return the message, or {@code null} once the inbox is closed
	 */
	@Nullable String receive() {
		byte[] buffer = new byte[4096];
		while (!this.closed) {
			long length = this.libc.recv(this.socket, buffer, buffer.length, 0);
			if (length >= 0) {
				return new String(buffer, 0, (int) length, StandardCharsets.UTF_8);
			}
		}
		return null;
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.libc.close(this.socket);
		Files.deleteIfExists(this.path);
	}

}
