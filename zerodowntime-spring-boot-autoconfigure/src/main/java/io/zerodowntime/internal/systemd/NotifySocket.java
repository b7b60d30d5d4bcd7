package io.zerodowntime.internal.systemd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The service manager's notification socket ({@code $NOTIFY_SOCKET}): a Unix datagram
 * socket, named by a path or, with a leading {@code @}, in the abstract namespace. The
 * JDK has no Unix datagram sockets, so each message goes out through a few libc calls
 * (via jnr-ffi, which jnr-posix brings): a fresh close-on-exec socket, one
 * {@code sendto}, close.
 *
 * @author zerodowntime
 */
public final class NotifySocket {

	private static final int AF_UNIX = 1;

	private static final int SOCK_DGRAM = 2;

	private static final int SOCK_CLOEXEC = 0x80000;

	private static final int SUN_PATH_LENGTH = 108;

	private final String address;

	private final byte[] sockaddr;

	private final LibC libc;

	private NotifySocket(String address, byte[] sockaddr) {
		this.address = address;
		this.sockaddr = sockaddr;
		this.libc = LibraryLoader.create(LibC.class).load("c");
	}

	/**
	 * Return the socket at the address.
	 * @param address a path, or {@code @name} for the abstract namespace
	 * @return the socket
	 * @throws IllegalArgumentException if the address is empty or too long
	 */
	public static NotifySocket of(String address) {
		return new NotifySocket(address, sockaddr(address));
	}

	/**
	 * Return the {@code sockaddr_un} of an address.
	 * @param address a path, or {@code @name} for the abstract namespace
	 * @return the socket address
	 * @throws IllegalArgumentException if the address is empty or too long
	 */
	public static byte[] sockaddr(String address) {
		boolean abstractName = address.startsWith("@");
		byte[] name = (abstractName ? "\0" + address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
		// a path is NUL-terminated; an abstract name is exactly its bytes
		int pathLength = abstractName ? name.length : name.length + 1;
		if (address.isEmpty() || address.equals("@") || pathLength > SUN_PATH_LENGTH) {
			throw new IllegalArgumentException("not a usable notification socket address: '" + address + "'");
		}
		ByteBuffer sockaddr = ByteBuffer.allocate(2 + pathLength).order(ByteOrder.nativeOrder());
		sockaddr.putShort((short) AF_UNIX);
		sockaddr.put(name);
		return sockaddr.array();
	}

	/**
	 * Send one message.
	 * @param message the message, {@code KEY=value} lines
	 * @throws IOException if it cannot be sent
	 */
	public void send(String message) throws IOException {
		int socket = this.libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (socket < 0) {
			throw new IOException("cannot create a Unix datagram socket");
		}
		try {
			byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
			long sent = this.libc.sendto(socket, bytes, bytes.length, 0, this.sockaddr, this.sockaddr.length);
			if (sent != bytes.length) {
				throw new IOException("sending to the notification socket " + this.address + " failed");
			}
		}
		finally {
			this.libc.close(socket);
		}
	}

	@Override
	public String toString() {
		return this.address;
	}

	/**
	 * The libc calls used.
	 */
	public interface LibC {

		int socket(int domain, int type, int protocol);

		@ssize_t
		long sendto(int socket, @In byte[] buffer, @size_t long length, int flags, @In byte[] address,
				int addressLength);

		int close(int descriptor);

	}

}
