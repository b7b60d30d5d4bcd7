package io.zerodowntime.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.apache.tomcat.util.net.NioEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * An {@link NioEndpoint} whose TCP listener takes part in a reload.
 * <ul>
 * <li>It binds with {@code SO_REUSEPORT}, so that the parent and the child can listen on
 * the same port at once (Tomcat has no property for it, and the option must be set before
 * the bind).</li>
 * <li>In a child, the listener stays closed and the acceptor unstarted until
 * {@link #openListener()}: a child that is rolled back has taken no connection.</li>
 * <li>{@link #stopAccepting()} stops the acceptor and closes the listener while open
 * connections go on being served, each later response carrying {@code Connection: close}.
 * A connection that the acceptor took in the race with that stop is served, never
 * dropped.</li>
 * </ul>
 * Unix domain socket listeners are left to Tomcat.
 *
 * @author zerodowntime
 */
public class HandoffNioEndpoint extends NioEndpoint {

	private final Object listenerMonitor = new Object();

	private volatile @Nullable ServerSocketChannel listener;

	private volatile boolean gated;

	private boolean acceptorDeferred;

	private volatile boolean stoppedAccepting;

	public HandoffNioEndpoint() {
		// bound on start, so that Tomcat's graceful close of the server socket applies
		setBindOnInit(false);
	}

	/**
	 * Keep the listener closed and the acceptor stopped until {@link #openListener()}.
	 * @param gated whether to wait for {@link #openListener()}
	 */
	public void setGated(boolean gated) {
		this.gated = gated;
	}

	/**
	 * Return whether this endpoint waits for {@link #openListener()}.
	 * @return whether the endpoint is gated
	 */
	public boolean isGated() {
		return this.gated;
	}

	@Override
	protected void initServerSocket() throws Exception {
		if (getUnixDomainSocketPath() != null) {
			super.initServerSocket();
			return;
		}
		synchronized (this.listenerMonitor) {
			if (this.gated) {
				return;
			}
			this.listener = openReusePortListener();
		}
	}

	private ServerSocketChannel openReusePortListener() throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open();
		try {
			getSocketProperties().setProperties(channel.socket());
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			channel.bind(new InetSocketAddress(getAddress(), getPortWithOffset()), getAcceptCount());
			channel.configureBlocking(true);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	@Override
	protected void startAcceptorThread() {
		synchronized (this.listenerMonitor) {
			if (this.gated) {
				this.acceptorDeferred = true;
				return;
			}
		}
		super.startAcceptorThread();
	}

	/**
	 * Open the listener and start accepting, if this endpoint was gated.
	 * @throws IOException if the listener cannot be bound
	 */
	public void openListener() throws IOException {
		boolean startAcceptor;
		synchronized (this.listenerMonitor) {
			if (!this.gated) {
				return;
			}
			if (getUnixDomainSocketPath() == null) {
				this.listener = openReusePortListener();
			}
			this.gated = false;
			startAcceptor = this.acceptorDeferred;
			this.acceptorDeferred = false;
		}
		if (startAcceptor) {
			super.startAcceptorThread();
		}
	}

	/**
	 * Stop accepting: the acceptor ends and the listener closes, while the connections
	 * already open keep being served with keep-alive off.
	 */
	public void stopAccepting() {
		this.stoppedAccepting = true;
		closeServerSocketGraceful();
	}

	/**
	 * Return whether {@link #stopAccepting()} was called.
	 * @return whether this endpoint stopped accepting
	 */
	public boolean hasStoppedAccepting() {
		return this.stoppedAccepting;
	}

	/**
	 * Return the number of connections this endpoint still has open.
	 * @return the open connection count
	 */
	public int getOpenConnectionCount() {
		return getConnections().size();
	}

	@Override
	protected void unlockAccept() {
		if (this.stoppedAccepting && getUnixDomainSocketPath() == null) {
			// Closing the listener wakes the blocked accept(). Tomcat's throwaway connection
			// could land in the other generation's socket and leave this acceptor blocked.
			closeListener();
			return;
		}
		super.unlockAccept();
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		if (getUnixDomainSocketPath() != null) {
			return super.serverSocketAccept();
		}
		ServerSocketChannel channel = this.listener;
		if (channel == null) {
			awaitStopAfterHandover();
			throw new ClosedChannelException();
		}
		try {
			return channel.accept();
		}
		catch (ClosedChannelException ex) {
			awaitStopAfterHandover();
			throw ex;
		}
	}

	/**
	 * After a handover the acceptor must not report the closed listener as an error: it
	 * waits until the endpoint stops, when the acceptor ends quietly.
	 */
	private void awaitStopAfterHandover() throws InterruptedException {
		while (this.stoppedAccepting && isRunning()) {
			Thread.sleep(50);
		}
	}

	@Override
	protected void destroySocket(SocketChannel socket) {
		if (this.stoppedAccepting && isRunning() && socket != null) {
			// accepted just as accepting stopped: serve it rather than reset a client
			if (!setSocketOptions(socket)) {
				closeSocket(socket);
			}
			return;
		}
		super.destroySocket(socket);
	}

	@Override
	protected @Nullable NetworkChannel getServerSocket() {
		if (getUnixDomainSocketPath() != null) {
			return super.getServerSocket();
		}
		return this.listener;
	}

	@Override
	protected void doCloseServerSocket() throws IOException {
		if (getUnixDomainSocketPath() != null) {
			super.doCloseServerSocket();
			return;
		}
		closeListener();
	}

	private void closeListener() {
		ServerSocketChannel channel = this.listener;
		this.listener = null;
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				getLog().debug("Failed to close listener", ex);
			}
		}
	}

}
