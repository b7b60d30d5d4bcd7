package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.jspecify.annotations.Nullable;

/**
 * A TLS channel that carries what a {@link HandshakeQueue} orders handshakes by: the
 * number of the connection it serves, in the order the endpoint accepted them, and the
 * round of its client (see {@link ClientHandshakes}).
 *
 * @author zerodowntime
 */
final class NumberedTlsChannel extends SecureNioChannel {

	private final AtomicLong numbers;

	private final ClientHandshakes clientHandshakes;

	private final AtomicBoolean handshaking = new AtomicBoolean();

	private volatile long connection;

	private volatile int round;

	private volatile @Nullable InetAddress client;

	NumberedTlsChannel(SocketBufferHandler buffers, NioEndpoint endpoint, AtomicLong numbers,
			ClientHandshakes clientHandshakes) {
		super(buffers, endpoint);
		this.numbers = numbers;
		this.clientHandshakes = clientHandshakes;
	}

	@Override
	public void reset(SocketChannel channel, NioEndpoint.NioSocketWrapper socketWrapper) throws IOException {
		// a pooled channel serves one connection after another: each gets its number
		handshakeEnded();
		super.reset(channel, socketWrapper);
		this.connection = this.numbers.incrementAndGet();
		InetAddress client = (channel.getRemoteAddress() instanceof InetSocketAddress remote) ? remote.getAddress()
				: null;
		this.client = client;
		this.round = this.clientHandshakes.start(client);
		this.handshaking.set(true);
	}

	/**
	 * Note that this connection's handshake has ended, complete or not; once only.
	 */
	void handshakeEnded() {
		if (this.handshaking.compareAndSet(true, false)) {
			this.clientHandshakes.end(this.client);
		}
	}

	@Override
	public void close() throws IOException {
		try {
			super.close();
		}
		finally {
			// a connection closed before its handshake ended
			handshakeEnded();
		}
	}

	long connection() {
		return this.connection;
	}

	int round() {
		return this.round;
	}

}
