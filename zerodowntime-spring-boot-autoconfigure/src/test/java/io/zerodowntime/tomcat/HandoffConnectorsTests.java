package io.zerodowntime.tomcat;

import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.ReloadRefusedException;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link HandoffConnectors} and {@link HandoffTomcatCustomizer}.
 */
class HandoffConnectorsTests {

	private final HandoffConnectors connectors = new HandoffConnectors(HandoffMode.INHERIT, false);

	@Test
	void onlyTheMainListenerIsInheritedFurtherOnesUseReuseport() {
		Connector main = handoffConnector(8080);
		Connector additional = handoffConnector(8081);
		Connector secondMain = handoffConnector(8082);
		assertThat(this.connectors.registerAdditional(additional)).isTrue();
		assertThat(this.connectors.registerMain(main)).isTrue();
		assertThat(this.connectors.registerMain(secondMain)).isTrue();
		assertThat(endpoint(main).getHandoffMode()).isEqualTo(HandoffMode.INHERIT);
		assertThat(endpoint(additional).getHandoffMode()).isEqualTo(HandoffMode.REUSEPORT);
		assertThat(endpoint(secondMain).getHandoffMode()).isEqualTo(HandoffMode.REUSEPORT);
		assertThat(this.connectors.size()).isEqualTo(3);
		assertThatNoException().isThrownBy(this.connectors::checkEveryConnectorIsHandedOver);
	}

	@Test
	void aConnectorWithAnotherProtocolRefusesReloadsNamingItsPort() {
		Connector plain = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
		plain.setPort(8443);
		assertThat(this.connectors.registerAdditional(plain)).isFalse();
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(this.connectors::checkEveryConnectorIsHandedOver)
			.withMessageContaining("port 8443 (org.apache.coyote.http11.Http11NioProtocol)")
			.withMessageContaining("HandoffHttp11NioProtocol");
	}

	@Test
	void customizerRegistersTheApplicationsAdditionalConnectors() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		Connector additional = handoffConnector(8081);
		factory.addAdditionalConnectors(additional);
		new HandoffTomcatCustomizer(this.connectors, true).customize(factory);
		assertThat(this.connectors.size()).isOne();
		assertThat(endpoint(additional).getHandoffMode()).isEqualTo(HandoffMode.REUSEPORT);
	}

	private static Connector handoffConnector(int port) {
		Connector connector = new Connector(HandoffHttp11NioProtocol.class.getName());
		connector.setPort(port);
		return connector;
	}

	private static HandoffNioEndpoint endpoint(Connector connector) {
		return ((HandoffHttp11NioProtocol) connector.getProtocolHandler()).getHandoffEndpoint();
	}

}
