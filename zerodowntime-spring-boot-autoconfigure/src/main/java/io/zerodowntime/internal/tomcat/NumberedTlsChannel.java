package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;

/**
 * A TLS channel that carries the number of the connection it serves, in the order the
 * endpoint accepted them, so that a {@link HandshakeQueue} can take the oldest first.
 *
 * @author zerodowntime
 */
final class NumberedTlsChannel extends SecureNioChannel {

	private final AtomicLong numbers;

	private volatile long connection;

	NumberedTlsChannel(SocketBufferHandler buffers, NioEndpoint endpoint, AtomicLong numbers) {
		super(buffers, endpoint);
		this.numbers = numbers;
	}

	@Override
	public void reset(SocketChannel channel, NioEndpoint.NioSocketWrapper socketWrapper) throws IOException {
		// a pooled channel serves one connection after another: each gets its number
		super.reset(channel, socketWrapper);
		this.connection = this.numbers.incrementAndGet();
	}

	long connection() {
		return this.connection;
	}

}
