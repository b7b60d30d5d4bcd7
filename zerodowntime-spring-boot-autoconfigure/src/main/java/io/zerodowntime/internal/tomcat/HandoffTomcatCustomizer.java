package io.zerodowntime.internal.tomcat;

import io.zerodowntime.tomcat.HandoffHttp11NioProtocol;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes a Tomcat web server's main connector use {@link HandoffHttp11NioProtocol} and
 * registers it, and the additional connectors the application added, with
 * {@link HandoffConnectors}. A connector customizer alone cannot set
 * {@code SO_REUSEPORT}: the option must be set on the socket before Tomcat binds it. Used
 * for the application's web server and, in the management child context, for a separate
 * management server.
 *
 * @author zerodowntime
 */
public class HandoffTomcatCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

	private final HandoffConnectors connectors;

	private final boolean applicationServer;

	/**
	 * Create a new instance.
	 * @param connectors the connectors that take part in reloads
	 * @param applicationServer whether the factory makes the application's web server
	 * (whose main connector is the main listener) rather than the management server
	 */
	public HandoffTomcatCustomizer(HandoffConnectors connectors, boolean applicationServer) {
		this.connectors = connectors;
		this.applicationServer = applicationServer;
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.setProtocol(HandoffHttp11NioProtocol.class.getName());
		factory.addConnectorCustomizers(
				this.applicationServer ? this.connectors::registerMain : this.connectors::registerAdditional);
		// added by the application's own customizers, which run before this one
		factory.getAdditionalConnectors().forEach(this.connectors::registerAdditional);
	}

	@Override
	public int getOrder() {
		// after Spring Boot's own customizers, so that a protocol set from properties is
		// replaced
		return Ordered.LOWEST_PRECEDENCE;
	}

}
