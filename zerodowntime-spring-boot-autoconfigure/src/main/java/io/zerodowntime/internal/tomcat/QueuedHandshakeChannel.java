package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;

/**
 * A TLS channel whose handshake computations (the key exchange and the signature, which
 * JSSE hands out as delegated tasks) take {@link HandshakeTurns turns}. At a takeover every
 * client reconnects to the new generation at once: with each of hundreds of handshakes on
 * a worker thread of its own, the cores are shared among all of them and none completes
 * before nearly all do, so no client is served for seconds. In turns, the first are served
 * within milliseconds and the last no later than before (nginx gets the same order from
 * one event loop per core).
 *
 * @author zerodowntime
 */
final class QueuedHandshakeChannel extends SecureNioChannel {

	private final HandshakeTurns turns;

	private long connection;

	QueuedHandshakeChannel(SocketBufferHandler buffers, NioEndpoint endpoint, HandshakeTurns turns) {
		super(buffers, endpoint);
		this.turns = turns;
	}

	@Override
	public void reset(SocketChannel channel, NioEndpoint.NioSocketWrapper socketWrapper) throws IOException {
		// a pooled channel serves one connection after another: each gets its number
		super.reset(channel, socketWrapper);
		this.connection = this.turns.nextConnection();
	}

	@Override
	protected HandshakeStatus tasks() {
		return this.turns.take(this.connection, super::tasks);
	}

}
