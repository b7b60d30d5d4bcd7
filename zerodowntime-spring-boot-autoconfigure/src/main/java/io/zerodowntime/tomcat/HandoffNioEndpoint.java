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
import java.util.concurrent.Executor;

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
 * <li>In a child the acceptor does not call accept() (and a reuseport listener stays
 * unbound) until {@link #openListener()}: a child that is rolled back has taken no
 * connection.</li>
 * <li>{@link #stopAccepting()} ends the acceptor while open connections go on being
 * served, each later response carrying {@code Connection: close}; {@link #resumeAccepting()}
 * undoes it. A connection that the acceptor took in the race with that stop is served,
 * never dropped.</li>
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

	private volatile boolean stoppedAccepting;

	private volatile int acceptorEpoch;

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
	 * Return how the listener is shared with the next generation.
	 * @return the handoff mode
	 */
	public HandoffMode getHandoffMode() {
		return this.handoffMode;
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

	/**
	 * Start accepting (binding a reuseport listener first), if this endpoint was gated.
	 * @throws IOException if the listener cannot be bound
	 */
	public void openListener() throws IOException {
		synchronized (this.listenerMonitor) {
			if (!this.gated) {
				return;
			}
			ensureListenerBound();
			this.gated = false;
			this.listenerMonitor.notifyAll();
		}
	}

	/**
	 * Bind the listener if this endpoint has none: a reuseport listener is bound only when
	 * the endpoint starts accepting, and again after a stop closed it.
	 */
	private void ensureListenerBound() throws IOException {
		if (getUnixDomainSocketPath() == null && this.listener == null) {
			this.listener = bindListener(this.handoffMode == HandoffMode.REUSEPORT);
		}
	}

	/**
	 * Hold the acceptor while the endpoint is gated: it starts with Tomcat, as usual, but
	 * calls accept() only once the gate opens. If the endpoint stops first, the acceptor
	 * ends quietly.
	 */
	private void awaitGate() throws IOException, InterruptedException {
		synchronized (this.listenerMonitor) {
			while (this.gated && isRunning()) {
				this.listenerMonitor.wait(50);
			}
			if (this.gated) {
				throw new ClosedChannelException();
			}
		}
	}

	@Override
	protected void unlockAccept() {
		if (this.gated) {
			// the acceptor is not in accept(): awaitGate() notices the stop by itself
			return;
		}
		super.unlockAccept();
	}

	/**
	 * Stop accepting: the acceptor ends, while the connections already open keep being
	 * served with keep-alive off. The stop can be undone with {@link #resumeAccepting()}.
	 * An inherited or shared listener stays open: the next generation serves the same
	 * socket, and closing the JDK's inherited channel would point descriptors 0, 1 and 2 at
	 * {@code /dev/null}. A reuseport listener is closed, so that the kernel sends new
	 * connections to the other generation's socket.
	 */
	public void stopAccepting() {
		synchronized (this.listenerMonitor) {
			if (this.stoppedAccepting || this.acceptor == null) {
				return;
			}
			this.stoppedAccepting = true;
			this.acceptor.stopMillis(-1);
			if (getUnixDomainSocketPath() != null) {
				return;
			}
			if (this.handoffMode == HandoffMode.REUSEPORT) {
				// closing our own socket wakes the blocked accept(); a throwaway connection
				// could land in the other generation and leave this acceptor blocked
				closeListener();
			}
			else {
				unlockSharedListener();
			}
		}
	}

	/**
	 * Accept again after {@link #stopAccepting()}: the generation that took over has died
	 * while this one was draining. A reuseport listener is bound anew.
	 * @throws IOException if the listener cannot be bound
	 */
	public void resumeAccepting() throws IOException {
		synchronized (this.listenerMonitor) {
			if (!this.stoppedAccepting) {
				return;
			}
			ensureListenerBound();
			this.acceptorEpoch++;
			this.stoppedAccepting = false;
			super.startAcceptorThread();
		}
	}

	@Override
	public int getMaxKeepAliveRequests() {
		// while accepting is stopped every response says "Connection: close", so that
		// clients move to the new generation as they finish a request
		return this.stoppedAccepting ? 1 : super.getMaxKeepAliveRequests();
	}

	/**
	 * Return the number of connections this endpoint still has open.
	 * @return the open connection count
	 */
	public int getOpenConnectionCount() {
		return getConnections().size();
	}

	/**
	 * Return the number of requests in progress: the busy worker threads (a connection
	 * idle between requests holds none).
	 * @return the number of requests in progress, or 0 if the executor does not tell
	 */
	public int getRequestsInProgress() {
		Executor executor = getExecutor();
		if (executor instanceof org.apache.tomcat.util.threads.ThreadPoolExecutor tomcatPool) {
			return tomcatPool.getActiveCount();
		}
		if (executor instanceof java.util.concurrent.ThreadPoolExecutor pool) {
			return pool.getActiveCount();
		}
		return 0;
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
		awaitGate();
		if (getUnixDomainSocketPath() != null) {
			return super.serverSocketAccept();
		}
		int epoch = this.acceptorEpoch;
		ServerSocketChannel channel = this.listener;
		if (channel == null) {
			awaitStop(epoch);
			throw new ClosedChannelException();
		}
		try {
			return channel.accept();
		}
		catch (ClosedChannelException ex) {
			awaitStop(epoch);
			throw ex;
		}
	}

	/**
	 * An acceptor whose listener was closed by {@link #stopAccepting()} must not report it
	 * as an error: it waits until the endpoint stops, when it ends quietly. It keeps waiting
	 * if a resume has started another acceptor in its place.
	 */
	private void awaitStop(int epoch) throws InterruptedException {
		while (isRunning() && (this.stoppedAccepting || epoch != this.acceptorEpoch)) {
			Thread.sleep(50);
		}
	}

	@Override
	protected void destroySocket(SocketChannel socket) {
		if (socket != null && isRunning() && !isPaused()) {
			// accepted just as accepting stopped (or by an acceptor that a resume has
			// replaced): serve it rather than reset a client
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
			// at shutdown; the next generation, if any, holds its own reference
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
