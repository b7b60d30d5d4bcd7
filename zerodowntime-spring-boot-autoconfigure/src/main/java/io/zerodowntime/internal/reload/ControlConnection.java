package io.zerodowntime.internal.reload;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One end of the control connection between a parent and its child: newline-terminated
 * UTF-8 lines over a Unix domain socket, every read bounded by a timeout so that a silent
 * peer cannot hold a reload forever.
 *
 * @author zerodowntime
 */
final class ControlConnection implements Closeable {

	/**
	 * The longest line either side sends; longer input is treated as hostile.
	 */
	static final int MAX_LINE_LENGTH = 8192;

	private final SocketChannel channel;

	private final Selector selector;

	private final ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE_LENGTH);

	ControlConnection(SocketChannel channel) throws IOException {
		this.channel = channel;
		channel.configureBlocking(false);
		this.selector = Selector.open();
		channel.register(this.selector, SelectionKey.OP_READ);
	}

	static ControlConnection connect(Path socket) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.connect(UnixDomainSocketAddress.of(socket));
			return new ControlConnection(channel);
		}
		catch (IOException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Read the next line.
	 * @param timeout how long to wait for it
	 * @return the line, without its terminator, or {@code null} if the timeout elapsed
	 * @throws EOFException if the peer closed the connection
	 * @throws IOException on a read failure or an over-long line
	 */
	@Nullable String readLine(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			String line = takeLine();
			if (line != null) {
				return line;
			}
			if (!this.buffer.hasRemaining()) {
				throw new IOException("control line longer than " + MAX_LINE_LENGTH + " bytes");
			}
			long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
			if (remainingMillis <= 0) {
				return null;
			}
			this.selector.select(remainingMillis);
			this.selector.selectedKeys().clear();
			if (this.channel.read(this.buffer) < 0) {
				throw new EOFException("control connection closed by peer");
			}
		}
	}

	private @Nullable String takeLine() {
		for (int i = 0; i < this.buffer.position(); i++) {
			if (this.buffer.get(i) == '\n') {
				byte[] line = new byte[i];
				this.buffer.flip();
				this.buffer.get(line);
				this.buffer.get();
				this.buffer.compact();
				return new String(line, StandardCharsets.UTF_8);
			}
		}
		return null;
	}

	void writeLine(String line) throws IOException {
		ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (out.hasRemaining()) {
			if (this.channel.write(out) == 0) {
				if (System.nanoTime() > deadline) {
					throw new IOException("control connection write timed out");
				}
				Thread.onSpinWait();
			}
		}
	}

	@Override
	public void close() {
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			// nothing more to release
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// nothing more to release
		}
	}

}
