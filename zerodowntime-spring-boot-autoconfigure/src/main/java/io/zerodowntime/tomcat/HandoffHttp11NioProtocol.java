package io.zerodowntime.tomcat;

import io.zerodowntime.internal.tomcat.HandoffNioEndpoint;
import org.apache.coyote.Processor;
import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's HTTP/1.1 NIO protocol on a {@link HandoffNioEndpoint}. Tomcat creates protocols
 * by class name, hence the public no-argument constructor.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public class HandoffHttp11NioProtocol extends Http11NioProtocol {

	public HandoffHttp11NioProtocol() {
		super(new HandoffNioEndpoint());
	}

	@Override
	public void addWaitingProcessor(Processor processor) {
		super.addWaitingProcessor(processor);
		// the drain needs to see the async requests, which Tomcat keeps to itself
		getHandoffEndpoint().addWaitingProcessor(processor);
	}

	@Override
	public void removeWaitingProcessor(Processor processor) {
		super.removeWaitingProcessor(processor);
		getHandoffEndpoint().removeWaitingProcessor(processor);
	}

	/**
	 * Return the endpoint.
	 * @return the endpoint
	 */
	public HandoffNioEndpoint getHandoffEndpoint() {
		return (HandoffNioEndpoint) getEndpoint();
	}

}
