package io.zerodowntime.sample;

import io.zerodowntime.tomcat.HandoffHttp11NioProtocol;
import org.apache.catalina.connector.Connector;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A second plain-HTTP port, {@code sample.extra-port}, as an application adds one: a
 * connector made with the starter's protocol, so that reloads hand it over too.
 *
 * @author zerodowntime
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("sample.extra-port")
class ExtraConnectorConfiguration {

	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> extraConnector(@Value("${sample.extra-port}") int port) {
		return (factory) -> {
			Connector connector = new Connector(HandoffHttp11NioProtocol.class.getName());
			connector.setPort(port);
			factory.addAdditionalConnectors(connector);
		};
	}

}
