package io.zerodowntime.tomcat;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes the main Tomcat connector use {@link HandoffHttp11NioProtocol} and registers it
 * with {@link HandoffConnectors}. A connector customizer alone cannot set
 * {@code SO_REUSEPORT}: the option must be set on the socket before Tomcat binds it.
 *
 * @author zerodowntime
 */
public class HandoffTomcatCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

	private final HandoffConnectors connectors;

	public HandoffTomcatCustomizer(HandoffConnectors connectors) {
		this.connectors = connectors;
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.setProtocol(HandoffHttp11NioProtocol.class.getName());
		factory.addConnectorCustomizers(this.connectors::register);
	}

	@Override
	public int getOrder() {
		// after Spring Boot's own customizers, so that a protocol set from properties is
		// replaced
		return Ordered.LOWEST_PRECEDENCE;
	}

}
