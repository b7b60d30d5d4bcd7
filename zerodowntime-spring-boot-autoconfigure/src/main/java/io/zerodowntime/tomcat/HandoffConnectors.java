package io.zerodowntime.tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.zerodowntime.reload.HandoffMode;
import org.apache.catalina.connector.Connector;

/**
 * The listeners of this generation that take part in a reload: every connector whose
 * protocol is a {@link HandoffHttp11NioProtocol}.
 *
 * @author zerodowntime
 */
public class HandoffConnectors {

	private final HandoffMode handoffMode;

	private final boolean gated;

	private final List<HandoffNioEndpoint> endpoints = new CopyOnWriteArrayList<>();

	/**
	 * Create a new instance.
	 * @param handoffMode how the main listener is shared with the next generation
	 * @param gated whether the listeners accept nothing until {@link #openListeners()} (in
	 * a child awaiting its parent's acknowledgement)
	 */
	public HandoffConnectors(HandoffMode handoffMode, boolean gated) {
		this.handoffMode = handoffMode;
		this.gated = gated;
	}

	/**
	 * Take part the connector in reloads, if its protocol allows it.
	 * @param connector the connector
	 * @return whether the connector was registered
	 */
	public boolean register(Connector connector) {
		if (connector.getProtocolHandler() instanceof HandoffHttp11NioProtocol protocol) {
			HandoffNioEndpoint endpoint = protocol.getHandoffEndpoint();
			// only one socket travels on descriptor 0: further listeners use SO_REUSEPORT
			endpoint.setHandoffMode(this.endpoints.isEmpty() ? this.handoffMode : HandoffMode.REUSEPORT);
			endpoint.setGated(this.gated);
			this.endpoints.add(endpoint);
			return true;
		}
		return false;
	}

	/**
	 * Open every gated listener and start accepting.
	 * @throws UncheckedIOException if a listener cannot be bound
	 */
	public void openListeners() {
		forEachListener(HandoffNioEndpoint::openListener, "opened");
	}

	/**
	 * Stop accepting on every listener; open connections keep being served.
	 */
	public void stopAccepting() {
		this.endpoints.forEach(HandoffNioEndpoint::stopAccepting);
	}

	/**
	 * Accept again on every listener after {@link #stopAccepting()}.
	 * @throws UncheckedIOException if a listener cannot be bound again
	 */
	public void resumeAccepting() {
		forEachListener(HandoffNioEndpoint::resumeAccepting, "reopened");
	}

	private void forEachListener(ListenerAction action, String done) {
		for (HandoffNioEndpoint endpoint : this.endpoints) {
			try {
				action.apply(endpoint);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Listener on port " + endpoint.getPort() + " could not be " + done, ex);
			}
		}
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
		return this.endpoints.isEmpty() ? -1 : this.endpoints.get(0).getLocalPort();
	}

	/**
	 * Return whether the main listener was inherited from the parent.
	 * @return whether the main listener is inherited
	 */
	public boolean isMainListenerInherited() {
		return !this.endpoints.isEmpty() && this.endpoints.get(0).isListenerInherited();
	}

	/**
	 * Return the handoff mode of the main listener.
	 * @return the handoff mode
	 */
	public HandoffMode getHandoffMode() {
		return this.handoffMode;
	}

	/**
	 * Return the number of listeners that take part in reloads.
	 * @return the number of listeners
	 */
	public int size() {
		return this.endpoints.size();
	}

	/**
	 * An action on one listener that may fail to bind.
	 */
	@FunctionalInterface
	private interface ListenerAction {

		void apply(HandoffNioEndpoint endpoint) throws IOException;

	}

}
