package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.LongLivedDrain;
import org.apache.coyote.Processor;
import org.apache.tomcat.util.net.Acceptor;
import org.apache.tomcat.util.net.Acceptor.AcceptorState;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

/**
 * An {@link NioEndpoint} whose TCP listener takes part in a reload. How the listener is
 * shared is the {@link ListenerSharing} of its {@link HandoffMode}; whether it takes new
 * connections is its {@link AcceptState}:
 * <ul>
 * <li>{@link AcceptState#GATED GATED} (a child awaiting its parent's acknowledgement): the
 * acceptor starts with Tomcat but calls no accept() until {@link #openGate()}; a child
 * that is rolled back has taken no connection.</li>
 * <li>{@link #stopAccepting()} ({@link AcceptState#STOPPED STOPPED}) ends the acceptor
 * while open connections go on being served, each later response carrying
 * {@code Connection: close}; {@link #resumeAccepting()} undoes it. A connection that the
 * acceptor took in the race with that stop is served, never dropped.</li>
 * </ul>
 * Over TLS, handshakes run in a {@link HandshakeQueue}: the oldest connection first, and each
 * client's first connection before any client's second.
 * Unix domain socket listeners are left to Tomcat.
 *
 * @author zerodowntime
 */
public class HandoffNioEndpoint extends NioEndpoint {

	private static final long UNLOCK_TIMEOUT_NANOS = 5_000_000_000L;

	private final Object listenerMonitor = new Object();

	/**
	 * The connections being processed right now, with how many events of each are.
	 */
	private final ConcurrentHashMap<SocketWrapperBase<?>, Integer> processing = new ConcurrentHashMap<>();

	/**
	 * The processors of this endpoint's protocol that wait for an event: async requests
	 * and upgraded connections.
	 */
	private final Set<Processor> waitingProcessors = ConcurrentHashMap.newKeySet();

	private final OpenConnections openConnections = new OpenConnections(this, this::isProcessing,
			this.waitingProcessors);

	private ListenerSharing sharing = ListenerSharing.of(HandoffMode.INHERIT);

	private volatile @Nullable ServerSocketChannel listener;

	private volatile boolean listenerInherited;

	private volatile AcceptState acceptState = AcceptState.ACCEPTING;

	private volatile long stoppedAt;

	private volatile int handshakeConcurrency;

	private final AtomicLong connectionNumbers = new AtomicLong();

	private final ClientHandshakes clientHandshakes = new ClientHandshakes();

	private volatile @Nullable HandshakeQueue handshakeQueue;

	public HandoffNioEndpoint() {
		// bound on start, so that Tomcat's graceful close of the server socket applies
		setBindOnInit(false);
	}

	/**
	 * Set how the listener is shared with the next generation.
	 * @param handoffMode the handoff mode
	 */
	public void setHandoffMode(HandoffMode handoffMode) {
		this.sharing = ListenerSharing.of(handoffMode);
	}

	/**
	 * Return how the listener is shared with the next generation.
	 * @return the handoff mode
	 */
	public HandoffMode getHandoffMode() {
		return this.sharing.mode();
	}

	/**
	 * Keep the acceptor stopped (and a reuseport listener unbound) until
	 * {@link #openGate()}. Set before the endpoint starts.
	 * @param gated whether to wait for {@link #openGate()}
	 */
	public void setGated(boolean gated) {
		this.acceptState = gated ? AcceptState.GATED : AcceptState.ACCEPTING;
	}

	/**
	 * Return whether this endpoint takes new connections.
	 * @return the accept state
	 */
	public AcceptState getAcceptState() {
		return this.acceptState;
	}

	/**
	 * Return whether the listener was inherited from the parent on descriptor 0.
	 * @return whether the listener is inherited
	 */
	public boolean isListenerInherited() {
		return this.listenerInherited;
	}

	void markListenerInherited() {
		this.listenerInherited = true;
	}

	private boolean isUnixDomain() {
		return getUnixDomainSocketPath() != null;
	}

	@Override
	protected void initServerSocket() throws Exception {
		if (isUnixDomain()) {
			super.initServerSocket();
			return;
		}
		synchronized (this.listenerMonitor) {
			this.listener = this.sharing.listenerAtStart(this, this.acceptState == AcceptState.GATED);
		}
	}

	/**
	 * Bind the listener of a gated endpoint, without accepting yet: everything that can
	 * fail in opening a generation's listeners happens before any of them accepts.
	 * @throws IOException if the listener cannot be bound
	 */
	public void bindGated() throws IOException {
		synchronized (this.listenerMonitor) {
			if (this.acceptState == AcceptState.GATED) {
				ensureListenerBound();
			}
		}
	}

	/**
	 * Give up a listener that {@link #bindGated()} bound for a reuseport endpoint that is
	 * still gated: another listener of this generation could not be bound, and a bound
	 * reuseport socket would be sent connections that nobody accepts.
	 */
	public void unbindGated() {
		synchronized (this.listenerMonitor) {
			if (this.acceptState == AcceptState.GATED && this.sharing.closesListenerOnStop()) {
				closeListener();
			}
		}
	}

	/**
	 * Start accepting, if this endpoint was gated (binding its listener first if
	 * {@link #bindGated()} has not).
	 * @throws IOException if the listener cannot be bound
	 */
	public void openGate() throws IOException {
		synchronized (this.listenerMonitor) {
			if (this.acceptState != AcceptState.GATED) {
				return;
			}
			ensureListenerBound();
			this.acceptState = AcceptState.ACCEPTING;
			this.listenerMonitor.notifyAll();
		}
	}

	/**
	 * Bind the listener if this endpoint has none: a reuseport listener is bound only when
	 * the endpoint opens, and again after a stop closed it.
	 */
	private void ensureListenerBound() throws IOException {
		if (!isUnixDomain() && this.listener == null) {
			this.listener = this.sharing.bind(this);
		}
	}

	/**
	 * Hold the acceptor while the endpoint is gated. Accepting needs no lock: only a gated
	 * acceptor waits on the monitor, and nothing holds it for long.
	 * @return whether to accept now; {@code false} once accepting has stopped
	 */
	private boolean passGate() throws IOException, InterruptedException {
		if (this.acceptState == AcceptState.GATED) {
			synchronized (this.listenerMonitor) {
				while (this.acceptState == AcceptState.GATED && isRunning()) {
					this.listenerMonitor.wait(50);
				}
			}
			if (this.acceptState == AcceptState.GATED) {
				// the endpoint stopped before it was opened: the acceptor ends quietly
				throw new ClosedChannelException();
			}
		}
		return this.acceptState == AcceptState.ACCEPTING;
	}

	@Override
	protected void unlockAccept() {
		if (this.acceptState == AcceptState.GATED) {
			// the acceptor is not in accept(): passGate() notices the stop by itself
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
		Acceptor<SocketChannel> stopped;
		boolean listenerClosed;
		synchronized (this.listenerMonitor) {
			stopped = this.acceptor;
			if (this.acceptState != AcceptState.ACCEPTING || stopped == null) {
				return;
			}
			// the acceptor's stop flag first: an acceptor that sees STOPPED ends at once
			stopped.stopMillis(-1);
			this.acceptState = AcceptState.STOPPED;
			this.stoppedAt = System.nanoTime();
			if (isUnixDomain()) {
				this.openConnections.drain(0);
				return;
			}
			listenerClosed = this.sharing.closesListenerOnStop();
			if (listenerClosed) {
				// closing our own socket wakes the blocked accept(); a throwaway connection
				// could land in the other generation and leave this acceptor blocked
				closeListener();
			}
		}
		// outside the lock: the acceptor may need to pass the gate to end
		if (listenerClosed) {
			awaitAcceptorEnd(stopped, UNLOCK_TIMEOUT_NANOS);
		}
		else {
			unlockSharedListener(stopped);
		}
		this.openConnections.drain(0);
	}

	/**
	 * Drain the open connections after {@link #stopAccepting()}, protocol by protocol (see
	 * {@link OpenConnections}); once accepting has been stopped for
	 * {@link OpenConnections#IDLE_GRACE}, close those with nothing in progress, so that a
	 * drain need not wait for clients that keep idle connections open. Called repeatedly
	 * while this generation drains.
	 */
	public void drainOpenConnections() {
		if (this.acceptState == AcceptState.STOPPED) {
			this.openConnections.drain(System.nanoTime() - this.stoppedAt);
		}
	}

	/**
	 * Set how many TLS handshake steps run at once, the oldest connection's first, on
	 * threads of their own (see {@link HandshakeQueue}). Set before the endpoint starts.
	 * @param concurrency how many at once; zero leaves handshakes to Tomcat's workers
	 */
	public void setHandshakeConcurrency(int concurrency) {
		this.handshakeConcurrency = concurrency;
	}

	int getHandshakesInProgress(InetAddress client) {
		return this.clientHandshakes.inProgress(client);
	}

	long getHandshakeStepsTaken() {
		HandshakeQueue queue = this.handshakeQueue;
		return (queue != null) ? queue.stepsTaken() : 0;
	}

	@Override
	protected NioChannel createChannel(SocketBufferHandler buffers) {
		// channels are made on accept, after start decided whether handshakes queue
		if (this.handshakeQueue != null) {
			return new NumberedTlsChannel(buffers, this, this.connectionNumbers, this.clientHandshakes);
		}
		return super.createChannel(buffers);
	}

	@Override
	public void startInternal() throws Exception {
		if (isSSLEnabled() && this.handshakeConcurrency > 0) {
			this.handshakeQueue = new HandshakeQueue(this.handshakeConcurrency, getName(),
					(connection, event) -> super.processSocket(connection, event, true));
		}
		super.startInternal();
	}

	@Override
	public void stopInternal() {
		super.stopInternal();
		HandshakeQueue queue = this.handshakeQueue;
		if (queue != null) {
			queue.close();
			this.handshakeQueue = null;
		}
	}

	@Override
	public boolean processSocket(SocketWrapperBase<NioChannel> connection, SocketEvent event, boolean dispatch) {
		HandshakeQueue queue = this.handshakeQueue;
		if (queue != null && dispatch && connection != null && queue.offer(connection, event)) {
			return true;
		}
		return super.processSocket(connection, event, dispatch);
	}

	/**
	 * Set what a drain does with WebSocket sessions and streaming responses.
	 * @param websockets what to do with WebSocket sessions
	 * @param streaming what to do with streaming responses
	 */
	public void setLongLivedDrain(LongLivedDrain websockets, LongLivedDrain streaming) {
		this.openConnections.setLongLivedDrain(websockets, streaming);
	}

	/**
	 * Note a processor of this endpoint's protocol that waits for an event.
	 * @param processor the processor
	 */
	public void addWaitingProcessor(Processor processor) {
		this.waitingProcessors.add(processor);
	}

	int getWaitingProcessorCount() {
		return this.waitingProcessors.size();
	}

	/**
	 * Note that a processor of this endpoint's protocol no longer waits.
	 * @param processor the processor
	 */
	public void removeWaitingProcessor(Processor processor) {
		this.waitingProcessors.remove(processor);
		this.openConnections.forget(processor);
	}

	/**
	 * Accept again after {@link #stopAccepting()}: the generation that took over has died
	 * while this one was draining. A reuseport listener is bound anew.
	 * @throws IOException if the listener cannot be bound; the endpoint stays stopped
	 */
	public void resumeAccepting() throws IOException {
		synchronized (this.listenerMonitor) {
			if (this.acceptState != AcceptState.STOPPED) {
				return;
			}
			ensureListenerBound();
			this.openConnections.reset();
			this.acceptState = AcceptState.ACCEPTING;
			super.startAcceptorThread();
		}
	}

	@Override
	public int getMaxKeepAliveRequests() {
		// while accepting is stopped every response says "Connection: close", so that
		// clients move to the new generation as they finish a request
		return (this.acceptState == AcceptState.STOPPED) ? 1 : super.getMaxKeepAliveRequests();
	}

	/**
	 * Return the number of connections this endpoint still has open.
	 * @return the open connection count
	 */
	public int getOpenConnectionCount() {
		return getConnections().size();
	}

	/**
	 * Return the number of requests in progress: connections whose request is being
	 * processed right now (a connection idle between requests has none). Counted by the
	 * endpoint itself, so the figure is true whatever the executor (platform or virtual
	 * threads).
	 * @return the number of requests in progress
	 */
	public int getRequestsInProgress() {
		return this.processing.size();
	}

	private boolean isProcessing(SocketWrapperBase<?> connection) {
		return this.processing.containsKey(connection);
	}

	@Override
	protected SocketProcessorBase<NioChannel> createSocketProcessor(SocketWrapperBase<NioChannel> socketWrapper,
			SocketEvent event) {
		return new CountingSocketProcessor(socketWrapper, event);
	}

	/**
	 * Wake an acceptor that is blocked on the socket this process shares with the next
	 * generation. The kernel hands each connection to one of the processes waiting in
	 * accept(), so connect until one has reached ours; those that reach the child are
	 * served (and closed) there, and the one that reaches us is served by
	 * {@link #destroySocket(SocketChannel)}.
	 */
	private void unlockSharedListener(Acceptor<SocketChannel> stopped) {
		long deadline = System.nanoTime() + UNLOCK_TIMEOUT_NANOS;
		while (stopped.getState() == AcceptorState.RUNNING && System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.setSoLinger(true, 0);
				socket.connect(unlockAddress(), 1000);
			}
			catch (IOException ex) {
				getLog().debug("Unlock connection failed", ex);
			}
			awaitAcceptorEnd(stopped, 10_000_000L);
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

	/**
	 * Wait until the stopped acceptor has ended. A connection that accept() returned in the
	 * race with the stop is served (see {@link #destroySocket(SocketChannel)}), and counted
	 * among the open connections only once the acceptor has handed it over: a drain that
	 * began earlier could see none open and exit under it.
	 */
	private static void awaitAcceptorEnd(Acceptor<SocketChannel> acceptor, long nanos) {
		long deadline = System.nanoTime() + nanos;
		try {
			while (acceptor.getState() == AcceptorState.RUNNING && System.nanoTime() < deadline) {
				Thread.sleep(1);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	protected @Nullable SocketChannel serverSocketAccept() throws Exception {
		if (!passGate()) {
			// stopped: its acceptor has been told to stop and ends on a null socket
			return null;
		}
		if (isUnixDomain()) {
			return super.serverSocketAccept();
		}
		ServerSocketChannel channel = this.listener;
		if (channel == null) {
			if (this.acceptState == AcceptState.ACCEPTING) {
				throw new ClosedChannelException();
			}
			return null;
		}
		try {
			return channel.accept();
		}
		catch (ClosedChannelException ex) {
			if (this.acceptState == AcceptState.ACCEPTING && channel == this.listener) {
				throw ex;
			}
			// closed by stopAccepting() (perhaps resumed since, on a new listener): this
			// acceptor has been told to stop and ends quietly
			return null;
		}
	}

	@Override
	protected void destroySocket(@Nullable SocketChannel socket) {
		if (socket == null) {
			// an acceptor that ended without a connection
			countDownConnection();
			return;
		}
		if (isRunning() && !isPaused()) {
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
		if (isUnixDomain()) {
			return super.getServerSocket();
		}
		return this.listener;
	}

	@Override
	protected void doCloseServerSocket() throws IOException {
		if (isUnixDomain()) {
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

	/**
	 * Tomcat's socket processor, counted while it runs: a request being read, served or
	 * written.
	 */
	private final class CountingSocketProcessor extends SocketProcessor {

		CountingSocketProcessor(SocketWrapperBase<NioChannel> socketWrapper, SocketEvent event) {
			super(socketWrapper, event);
		}

		@Override
		protected void doRun() {
			SocketWrapperBase<NioChannel> connection = this.socketWrapper;
			HandoffNioEndpoint.this.processing.merge(connection, 1, Integer::sum);
			try {
				super.doRun();
			}
			finally {
				HandoffNioEndpoint.this.processing.computeIfPresent(connection,
						(key, count) -> (count > 1) ? count - 1 : null);
			}
		}

	}

}
