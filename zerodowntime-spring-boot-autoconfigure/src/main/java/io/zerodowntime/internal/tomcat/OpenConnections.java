package io.zerodowntime.internal.tomcat;

import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.zerodowntime.reload.LongLivedDrain;
import org.apache.coyote.Processor;
import org.apache.coyote.UpgradeToken;
import org.apache.coyote.http11.upgrade.UpgradeProcessorInternal;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioEndpoint.NioSocketWrapper;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The connections an endpoint still has open once it stopped accepting, drained protocol
 * by protocol through the mechanisms Tomcat itself uses when it pauses or stops:
 * <ul>
 * <li>HTTP/2: the connection is paused, which sends GOAWAY with the highest stream id;
 * Tomcat sends the final GOAWAY (the last stream it processed) if the client opens a stream
 * after a round trip. Streams in progress go on.</li>
 * <li>WebSocket ({@link LongLivedDrain#END}): the session gets the event Tomcat sends when
 * it stops, and is closed with 1001 Going Away after the messages being sent.</li>
 * <li>Streaming responses ({@link LongLivedDrain#END}): an async request whose response
 * has started is timed out as Tomcat does when it stops, which completes the response
 * normally. An async request that has not answered yet is a request in progress and is
 * let finish.</li>
 * <li>Idle connections: once accepting has been stopped for {@link #IDLE_GRACE}, a
 * connection with nothing in progress is closed as at the end of a keep-alive timeout: an
 * HTTP/1.1 connection by the poller's read timeout, an HTTP/2 connection with no open
 * stream by Tomcat's own connection timeout, which sends the final GOAWAY first. The grace
 * lets streams that crossed the first GOAWAY arrive and be served.</li>
 * </ul>
 * Each HTTP/1.1 response says {@code Connection: close} meanwhile (see
 * {@link HandoffNioEndpoint#getMaxKeepAliveRequests()}). Tomcat takes a connection's
 * processor away while it processes an event, so a connection can be missed on one pass:
 * {@link #drain(boolean)} is called again and again while the generation drains, and
 * tells each connection once.
 *
 * @author zerodowntime
 */
final class OpenConnections {

	/**
	 * How long after it stops accepting an endpoint starts closing idle connections.
	 */
	static final Duration IDLE_GRACE = Duration.ofSeconds(1);

	/**
	 * The read timeout that has the poller close an idle HTTP/1.1 connection on its next
	 * pass (it checks timeouts about once a second).
	 */
	private static final long EXPIRED_READ_TIMEOUT_MILLIS = 1;

	/**
	 * How long a connection must have read nothing to count as idle: long enough that a
	 * read at the moment it is expired changes its last read time (kept in milliseconds).
	 */
	private static final long SILENT_MILLIS = 10;

	/**
	 * The time that makes {@code timeoutAsync} close an HTTP/2 connection exactly when
	 * Tomcat has set it a connection timeout, which it does only while no stream is open.
	 */
	private static final long LATER_THAN_ANY_TIMEOUT = Long.MAX_VALUE;

	/**
	 * What {@code timeoutAsync} takes to time an async request out now.
	 */
	private static final long NOW = -1;

	private final AbstractEndpoint<?, ?> endpoint;

	private final Predicate<SocketWrapperBase<?>> processing;

	private final Collection<Processor> waitingProcessors;

	private final Set<Object> told = ConcurrentHashMap.newKeySet();

	/**
	 * When each HTTP/2 connection was sent its GOAWAY, in nanoseconds since accepting
	 * stopped: its idle grace starts then.
	 */
	private final Map<Object, Long> goAwaySentAt = new ConcurrentHashMap<>();

	private volatile LongLivedDrain websockets = LongLivedDrain.END;

	private volatile LongLivedDrain streaming = LongLivedDrain.END;

	/**
	 * Create a new instance.
	 * @param endpoint the endpoint whose connections these are
	 * @param processing whether a connection is being processed right now
	 * @param waitingProcessors the processors of the endpoint's protocol that wait for an
	 * event: async requests (HTTP/1.1, or HTTP/2 streams) and upgraded connections
	 */
	OpenConnections(AbstractEndpoint<?, ?> endpoint, Predicate<SocketWrapperBase<?>> processing,
			Collection<Processor> waitingProcessors) {
		this.endpoint = endpoint;
		this.processing = processing;
		this.waitingProcessors = waitingProcessors;
	}

	void setLongLivedDrain(LongLivedDrain websockets, LongLivedDrain streaming) {
		this.websockets = websockets;
		this.streaming = streaming;
	}

	/**
	 * Tell every open connection, once, that this endpoint takes no more work; and, past
	 * the grace, close those that have nothing in progress.
	 * @param sinceStopped how long ago accepting stopped, in nanoseconds
	 */
	synchronized void drain(long sinceStopped) {
		Collection<? extends SocketWrapperBase<?>> connections = this.endpoint.getConnections();
		long idleGrace = IDLE_GRACE.toNanos();
		for (SocketWrapperBase<?> connection : connections) {
			Object processor = connection.getCurrentProcessor();
			String upgraded = upgradedProtocol(processor);
			if (processor == null) {
				if (sinceStopped >= idleGrace) {
					expireIfAwaitingRequest(connection);
				}
			}
			else if ("h2".equals(upgraded) || "h2c".equals(upgraded)) {
				if (this.told.add(connection)) {
					this.goAwaySentAt.put(connection, sinceStopped);
					((Processor) processor).pause();
				}
				Long goAway = this.goAwaySentAt.get(connection);
				if (goAway != null && sinceStopped - goAway >= idleGrace) {
					((Processor) processor).timeoutAsync(LATER_THAN_ANY_TIMEOUT);
				}
			}
			else if ("websocket".equals(upgraded) && this.websockets == LongLivedDrain.END
					&& this.told.add(connection)) {
				connection.processSocket(SocketEvent.STOP, true);
			}
		}
		if (this.streaming == LongLivedDrain.END) {
			for (Processor processor : this.waitingProcessors) {
				if (processor.isAsync() && processor.getRequest().getResponse().isCommitted()
						&& this.told.add(processor)) {
					processor.timeoutAsync(NOW);
				}
			}
		}
	}

	/**
	 * Forget a processor that no longer waits: Tomcat recycles processors, and the next
	 * async request it serves is another one to end.
	 * @param processor the processor
	 */
	void forget(Processor processor) {
		this.told.remove(processor);
	}

	/**
	 * Forget what was told: the endpoint accepts again.
	 */
	synchronized void reset() {
		this.told.clear();
		this.goAwaySentAt.clear();
	}

	/**
	 * Have the poller close an HTTP/1.1 connection that waits for its next request. Tomcat
	 * sets the read timeout itself once a request's first bytes are read, so a request that
	 * arrives after the new timeout is set is served with the usual one; a read between the
	 * check and the set is seen in the last read time, and the usual timeout is put back.
	 */
	private void expireIfAwaitingRequest(SocketWrapperBase<?> connection) {
		if (!(connection instanceof NioSocketWrapper nio) || !awaitsRequest(nio)) {
			return;
		}
		long lastRead = nio.getLastRead();
		if (System.currentTimeMillis() - lastRead < SILENT_MILLIS) {
			return;
		}
		nio.setReadTimeout(EXPIRED_READ_TIMEOUT_MILLIS);
		if (nio.getLastRead() != lastRead || !awaitsRequest(nio)) {
			nio.setReadTimeout(this.endpoint.getConnectionTimeout());
		}
	}

	private boolean awaitsRequest(NioSocketWrapper connection) {
		return connection.getCurrentProcessor() == null && !this.processing.test(connection)
				&& connection.interestOpsHas(SelectionKey.OP_READ);
	}

	private static String upgradedProtocol(Object processor) {
		if (processor instanceof UpgradeProcessorInternal upgraded) {
			UpgradeToken token = upgraded.getUpgradeToken();
			return token.getProtocol();
		}
		return "";
	}

}
