package io.zerodowntime.tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.catalina.connector.Connector;

/**
 * The listeners of this generation that take part in a reload: every connector whose
 * protocol is a {@link HandoffHttp11NioProtocol}.
 *
 * @author zerodowntime
 */
public class HandoffConnectors {

	private final boolean gated;

	private final List<HandoffNioEndpoint> endpoints = new CopyOnWriteArrayList<>();

	/**
	 * Create a new instance.
	 * @param gated whether the listeners stay closed until {@link #openListeners()} (in a
	 * child awaiting its parent's acknowledgement)
	 */
	public HandoffConnectors(boolean gated) {
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
		for (HandoffNioEndpoint endpoint : this.endpoints) {
			try {
				endpoint.openListener();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Listener on port " + endpoint.getPort() + " could not be opened", ex);
			}
		}
	}

	/**
	 * Stop accepting on every listener; open connections keep being served.
	 */
	public void stopAccepting() {
		this.endpoints.forEach(HandoffNioEndpoint::stopAccepting);
	}

	/**
	 * Return the number of connections still open on all listeners.
	 * @return the open connection count
	 */
	public int getOpenConnectionCount() {
		return this.endpoints.stream().mapToInt(HandoffNioEndpoint::getOpenConnectionCount).sum();
	}

	/**
	 * Return the number of listeners that take part in reloads.
	 * @return the number of listeners
	 */
	public int size() {
		return this.endpoints.size();
	}

}
