package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.zerodowntime.internal.reload.ChildLauncher;
import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.LongLivedDrain;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.tomcat.HandoffHttp11NioProtocol;
import org.apache.catalina.connector.Connector;
import org.jspecify.annotations.Nullable;

/**
 * The listeners of this generation that take part in a reload: every connector whose
 * protocol is a {@link HandoffHttp11NioProtocol}.
 *
 * @author zerodowntime
 */
public class HandoffConnectors {

	private final HandoffMode handoffMode;

	private final boolean gated;

	private final LongLivedDrain websocketDrain;

	private final LongLivedDrain streamingDrain;

	private volatile int handshakeConcurrency;

	private final List<HandoffNioEndpoint> endpoints = new CopyOnWriteArrayList<>();

	private final List<String> notHandedOver = new CopyOnWriteArrayList<>();

	private volatile @Nullable HandoffNioEndpoint main;

	/**
	 * Create a new instance.
	 * @param handoffMode how the main listener is shared with the next generation
	 * @param gated whether the listeners accept nothing until {@link #openListeners()} (in
	 * a child awaiting its parent's acknowledgement)
	 */
	public HandoffConnectors(HandoffMode handoffMode, boolean gated) {
		this(handoffMode, gated, LongLivedDrain.END, LongLivedDrain.END);
	}

	/**
	 * Create a new instance.
	 * @param handoffMode how the main listener is shared with the next generation
	 * @param gated whether the listeners accept nothing until {@link #openListeners()} (in
	 * a child awaiting its parent's acknowledgement)
	 * @param websocketDrain what a drain does with WebSocket sessions
	 * @param streamingDrain what a drain does with streaming responses
	 */
	public HandoffConnectors(HandoffMode handoffMode, boolean gated, LongLivedDrain websocketDrain,
			LongLivedDrain streamingDrain) {
		this.handoffMode = handoffMode;
		this.gated = gated;
		this.websocketDrain = websocketDrain;
		this.streamingDrain = streamingDrain;
	}

	/**
	 * Set how many TLS handshake steps each connector registered from now on runs at
	 * once, the oldest connection's first.
	 * @param handshakeConcurrency how many at once; zero leaves handshakes to Tomcat
	 */
	public void setHandshakeConcurrency(int handshakeConcurrency) {
		this.handshakeConcurrency = handshakeConcurrency;
	}

	/**
	 * Take the application's main connector into reloads. In
	 * {@link HandoffMode#INHERIT inherit} mode its listener is the one that travels to the
	 * child on descriptor 0.
	 * @param connector the connector
	 * @return whether the connector takes part in reloads
	 */
	public boolean registerMain(Connector connector) {
		return register(connector, true);
	}

	/**
	 * Take a further connector into reloads: an additional connector of the application,
	 * or the management server's. Only one socket can travel on descriptor 0, so further
	 * listeners are always shared with {@code SO_REUSEPORT}.
	 * @param connector the connector
	 * @return whether the connector takes part in reloads
	 */
	public boolean registerAdditional(Connector connector) {
		return register(connector, false);
	}

	private boolean register(Connector connector, boolean mainRequested) {
		if (connector.getProtocolHandler() instanceof HandoffHttp11NioProtocol protocol) {
			HandoffNioEndpoint endpoint = protocol.getHandoffEndpoint();
			boolean main = mainRequested && this.main == null;
			endpoint.setHandoffMode(main ? this.handoffMode : HandoffMode.REUSEPORT);
			endpoint.setGated(this.gated);
			endpoint.setLongLivedDrain(this.websocketDrain, this.streamingDrain);
			endpoint.setHandshakeConcurrency(this.handshakeConcurrency);
			this.endpoints.add(endpoint);
			if (main) {
				this.main = endpoint;
			}
			return true;
		}
		this.notHandedOver.add("port " + connector.getPort() + " (" + connector.getProtocolHandlerClassName() + ")");
		return false;
	}

	/**
	 * Check that every connector takes part in reloads: the next generation could not bind
	 * a port that this one keeps to itself.
	 * @throws ReloadRefusedException naming the connectors that do not
	 */
	public void checkEveryConnectorIsHandedOver() {
		if (!this.notHandedOver.isEmpty()) {
			throw new ReloadRefusedException("the connector(s) on " + String.join(", ", this.notHandedOver)
					+ " cannot be handed over, so the next generation could not bind them; create additional "
					+ "connectors with new Connector(HandoffHttp11NioProtocol.class.getName())");
		}
	}

	/**
	 * Check that the next generation can serve the same ports: a reuseport listener on port
	 * 0 would be bound to another random port by the next generation, and the service
	 * would silently move.
	 * @throws ReloadRefusedException naming the listeners on port 0
	 */
	public void checkReusePortListenersHaveFixedPorts() {
		List<String> random = this.endpoints.stream()
			.filter((endpoint) -> endpoint.getHandoffMode() == HandoffMode.REUSEPORT && endpoint.getPort() == 0)
			.map((endpoint) -> "port 0 (now " + endpoint.getLocalPort() + ")")
			.toList();
		if (!random.isEmpty()) {
			throw new ReloadRefusedException("the listener(s) on " + String.join(", ", random) + " use a random port "
					+ "and are shared with SO_REUSEPORT, so the next generation would bind another random port; set a "
					+ "fixed port" + ((this.handoffMode == HandoffMode.REUSEPORT) ? " or zerodowntime.handoff=inherit"
							: ""));
		}
	}

	/**
	 * Open every gated listener and start accepting. Every listener is bound before any
	 * accepts, and the main listener opens last, so that a listener that cannot be bound
	 * fails the child before it has taken a single connection.
	 * @throws UncheckedIOException if a listener cannot be bound
	 */
	public void openListeners() {
		List<HandoffNioEndpoint> ordered = mainLast();
		List<HandoffNioEndpoint> bound = new ArrayList<>();
		for (HandoffNioEndpoint endpoint : ordered) {
			try {
				endpoint.bindGated();
				bound.add(endpoint);
			}
			catch (IOException ex) {
				bound.forEach(HandoffNioEndpoint::unbindGated);
				throw new UncheckedIOException("Listener on port " + endpoint.getPort() + " could not be bound", ex);
			}
		}
		for (HandoffNioEndpoint endpoint : ordered) {
			try {
				endpoint.openGate();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Listener on port " + endpoint.getPort() + " could not be opened", ex);
			}
		}
	}

	private List<HandoffNioEndpoint> mainLast() {
		List<HandoffNioEndpoint> ordered = new ArrayList<>(this.endpoints);
		HandoffNioEndpoint main = this.main;
		if (main != null && ordered.remove(main)) {
			ordered.add(main);
		}
		return ordered;
	}

	/**
	 * Stop accepting on every listener; open connections keep being served, and HTTP/2
	 * connections are told to open no more streams.
	 */
	public void stopAccepting() {
		this.endpoints.forEach(HandoffNioEndpoint::stopAccepting);
	}

	/**
	 * Drain the open connections of every listener that has stopped accepting, protocol by
	 * protocol; called repeatedly while this generation drains.
	 */
	public void drainOpenConnections() {
		this.endpoints.forEach(HandoffNioEndpoint::drainOpenConnections);
	}

	/**
	 * Accept again on every listener after {@link #stopAccepting()}, the main listener
	 * first. Every listener is tried, whatever fails before it.
	 * @return what could not be reopened, or {@code null} if every listener accepts again
	 */
	public @Nullable String resumeAccepting() {
		List<HandoffNioEndpoint> ordered = mainLast();
		Collections.reverse(ordered);
		List<String> failures = new ArrayList<>();
		for (HandoffNioEndpoint endpoint : ordered) {
			try {
				endpoint.resumeAccepting();
			}
			catch (IOException | RuntimeException ex) {
				failures.add("port " + endpoint.getPort() + " (" + ex.getMessage() + ")");
			}
		}
		return failures.isEmpty() ? null : "the listener(s) on " + String.join(", ", failures)
				+ " could not accept again";
	}

	/**
	 * Return the launcher that starts the next generation so that it can serve the main
	 * listener in this handoff mode.
	 * @return the launcher
	 */
	public ChildLauncher childLauncher() {
		return ListenerSharing.of(this.handoffMode).childLauncher(this::getMainListenerPort);
	}

	/**
	 * Return the number of requests in progress on all listeners.
	 * @return the requests in progress
	 */
	public int getRequestsInProgress() {
		return this.endpoints.stream().mapToInt(HandoffNioEndpoint::getRequestsInProgress).sum();
	}

	/**
	 * Return the number of connections still open on all listeners.
	 * @return the open connection count
	 */
	public int getOpenConnectionCount() {
		return this.endpoints.stream().mapToInt(HandoffNioEndpoint::getOpenConnectionCount).sum();
	}

	/**
	 * Return the port of the main listener, the one handed on in
	 * {@link HandoffMode#INHERIT inherit} mode.
	 * @return the local port, or -1 if there is no bound listener
	 */
	public int getMainListenerPort() {
		HandoffNioEndpoint main = this.main;
		return (main != null) ? main.getLocalPort() : -1;
	}

	/**
	 * Return whether the main listener was inherited from the parent.
	 * @return whether the main listener is inherited
	 */
	public boolean isMainListenerInherited() {
		HandoffNioEndpoint main = this.main;
		return main != null && main.isListenerInherited();
	}

	/**
	 * Return the handoff mode of the main listener.
	 * @return the handoff mode
	 */
	public HandoffMode getHandoffMode() {
		return this.handoffMode;
	}

	/**
	 * Return what a drain does with WebSocket sessions.
	 * @return the WebSocket drain
	 */
	public LongLivedDrain getWebsocketDrain() {
		return this.websocketDrain;
	}

	/**
	 * Return what a drain does with streaming responses.
	 * @return the streaming drain
	 */
	public LongLivedDrain getStreamingDrain() {
		return this.streamingDrain;
	}

	/**
	 * Return the number of listeners that take part in reloads.
	 * @return the number of listeners
	 */
	public int size() {
		return this.endpoints.size();
	}

}
