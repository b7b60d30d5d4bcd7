package io.zerodowntime.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * What systemd would be for the service: a Unix datagram socket bound at a path, to be
 * passed as {@code NOTIFY_SOCKET}, that collects the messages sent to it.
 */
public final class NotifyReceiver implements AutoCloseable {

	private static final int AF_UNIX = 1;

	private static final int SOCK_DGRAM = 2;

	private static final int MSG_DONTWAIT = 0x40;

	private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

	private final int socket;

	private NotifyReceiver(int socket) {
		this.socket = socket;
	}

	public static NotifyReceiver bind(Path path) throws IOException {
		int socket = LIBC.socket(AF_UNIX, SOCK_DGRAM, 0);
		byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
		ByteBuffer address = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder());
		address.putShort((short) AF_UNIX).put(name).put((byte) 0);
		if (socket < 0 || LIBC.bind(socket, address.array(), address.capacity()) != 0) {
			throw new IOException("cannot bind a datagram socket at " + path);
		}
		return new NotifyReceiver(socket);
	}

	/**
	 * The next message, or {@code null} if none arrives in time.
	 */
	public String next(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		byte[] buffer = new byte[4096];
		while (System.nanoTime() < deadline) {
			long length = LIBC.recv(this.socket, buffer, buffer.length, MSG_DONTWAIT);
			if (length >= 0) {
				return new String(buffer, 0, (int) length, StandardCharsets.UTF_8);
			}
			Thread.sleep(20);
		}
		return null;
	}

	@Override
	public void close() {
		LIBC.close(this.socket);
	}

	public interface LibC {

		int socket(int domain, int type, int protocol);

		int bind(int socket, @In byte[] address, int addressLength);

		@ssize_t
		long recv(int socket, @Out byte[] buffer, @size_t long length, int flags);

		int close(int descriptor);

	}

}
