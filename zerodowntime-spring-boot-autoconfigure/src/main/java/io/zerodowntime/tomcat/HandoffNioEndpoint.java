package io.zerodowntime.tomcat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.zerodowntime.reload.HandoffMode;
import org.apache.tomcat.util.net.Acceptor.AcceptorState;
import org.apache.tomcat.util.net.NioEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * An {@link NioEndpoint} whose TCP listener takes part in a reload.
 * <ul>
 * <li>In {@link HandoffMode#INHERIT inherit} mode it serves the listening socket the
 * parent passed on descriptor 0 ({@link System#inheritedChannel()}), and binds one itself
 * only when there is none (generation 0).</li>
 * <li>In {@link HandoffMode#REUSEPORT reuseport} mode it binds with {@code SO_REUSEPORT},
 * which must be set before the bind (Tomcat has no property for it).</li>
 * <li>In a child the acceptor stays unstarted (and a reuseport listener unbound) until
 * {@link #openListener()}: a child that is rolled back has taken no connection.</li>
 * <li>{@link #stopAccepting()} ends the acceptor while open connections go on being
 * served, each later response carrying {@code Connection: close}. A connection that the
 * acceptor took in the race with that stop is served, never dropped.</li>
 * </ul>
 * Unix domain socket listeners are left to Tomcat.
 *
 * @author zerodowntime
 */
public class HandoffNioEndpoint extends NioEndpoint {

	private static final long UNLOCK_TIMEOUT_NANOS = 5_000_000_000L;

	private final Object listenerMonitor = new Object();

	private HandoffMode handoffMode = HandoffMode.INHERIT;

	private volatile @Nullable ServerSocketChannel listener;

	private volatile boolean listenerInherited;

	private volatile boolean gated;

	private boolean acceptorDeferred;

	private volatile boolean stoppedAccepting;

	public HandoffNioEndpoint() {
		// bound on start, so that Tomcat's graceful close of the server socket applies
		setBindOnInit(false);
	}

	/**
	 * Set how the listener is shared with the next generation.
	 * @param handoffMode the handoff mode
	 */
	public void setHandoffMode(HandoffMode handoffMode) {
		this.handoffMode = handoffMode;
	}

	/**
	 * Keep the acceptor stopped (and a reuseport listener unbound) until
	 * {@link #openListener()}.
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

	/**
	 * Return whether the listener was inherited from the parent on descriptor 0.
	 * @return whether the listener is inherited
	 */
	public boolean isListenerInherited() {
		return this.listenerInherited;
	}

	@Override
	protected void initServerSocket() throws Exception {
		if (getUnixDomainSocketPath() != null) {
			super.initServerSocket();
			return;
		}
		synchronized (this.listenerMonitor) {
			if (this.handoffMode == HandoffMode.INHERIT) {
				this.listener = inheritedOrBoundListener();
			}
			else if (!this.gated) {
				this.listener = bindListener(true);
			}
		}
	}

	private ServerSocketChannel inheritedOrBoundListener() throws IOException {
		Channel inherited = System.inheritedChannel();
		if (inherited instanceof ServerSocketChannel channel && servesThisPort(channel)) {
			this.listenerInherited = true;
			channel.configureBlocking(true);
			return channel;
		}
		if (this.gated) {
			throw new IllegalStateException("zerodowntime.handoff=inherit, but no listening socket for port "
					+ getPortWithOffset() + " was inherited on file descriptor 0 (did the handoff mode change "
					+ "between generations? restart the service to change it)");
		}
		return bindListener(false);
	}

	private boolean servesThisPort(ServerSocketChannel channel) throws IOException {
		return channel.getLocalAddress() instanceof InetSocketAddress address
				&& (getPortWithOffset() == 0 || address.getPort() == getPortWithOffset());
	}

	private ServerSocketChannel bindListener(boolean reusePort) throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open();
		try {
			getSocketProperties().setProperties(channel.socket());
			if (reusePort) {
				channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			}
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
	 * Start accepting (binding a reuseport listener first), if this endpoint was gated.
	 * @throws IOException if the listener cannot be bound
	 */
	public void openListener() throws IOException {
		boolean startAcceptor;
		synchronized (this.listenerMonitor) {
			if (!this.gated) {
				return;
			}
			if (getUnixDomainSocketPath() == null && this.listener == null) {
				this.listener = bindListener(this.handoffMode == HandoffMode.REUSEPORT);
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
	 * Stop accepting: the acceptor ends, while the connections already open keep being
	 * served with keep-alive off. A listener of its own is closed; an inherited one stays
	 * open, because the next generation serves the same socket and because closing the
	 * JDK's inherited channel points descriptors 0, 1 and 2 at {@code /dev/null}.
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
		if (!this.stoppedAccepting || getUnixDomainSocketPath() != null) {
			super.unlockAccept();
		}
		else if (this.listenerInherited) {
			unlockSharedListener();
		}
		else {
			// Closing our own descriptor wakes the blocked accept(). A throwaway connection
			// could land in the other generation and leave this acceptor blocked.
			closeListener();
		}
	}

	/**
	 * Wake an acceptor that is blocked on the socket this process shares with the next
	 * generation. The kernel hands each connection to one of the processes waiting in
	 * accept(), so connect until one has reached ours; those that reach the child are
	 * served (and closed) there, and the one that reaches us is served by
	 * {@link #destroySocket(SocketChannel)}.
	 */
	private void unlockSharedListener() {
		long deadline = System.nanoTime() + UNLOCK_TIMEOUT_NANOS;
		while (this.acceptor != null && this.acceptor.getState() == AcceptorState.RUNNING
				&& System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.setSoLinger(true, 0);
				socket.connect(unlockAddress(), 1000);
			}
			catch (IOException ex) {
				getLog().debug("Unlock connection failed", ex);
			}
			waitForAcceptor(10);
		}
	}

	private InetSocketAddress unlockAddress() throws IOException {
		InetSocketAddress local = getLocalAddress();
		if (local == null) {
			throw new IOException("listener has no local address");
		}
		InetAddress address = local.getAddress();
		if (address.isAnyLocalAddress()) {
			address = InetAddress.getLoopbackAddress();
		}
		return new InetSocketAddress(address, local.getPort());
	}

	private void waitForAcceptor(long millis) {
		long deadline = System.nanoTime() + millis * 1_000_000;
		try {
			while (this.acceptor.getState() == AcceptorState.RUNNING && System.nanoTime() < deadline) {
				Thread.sleep(1);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
		}
		else if (!this.listenerInherited) {
			closeListener();
		}
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
