package io.zerodowntime.internal.tomcat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.file.Path;

import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.tomcat.HandoffHttp11NioProtocol;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

	@Test
	void aListenerThatCannotBeBoundFailsTheChildBeforeTheMainListenerAccepts(@TempDir Path baseDir)
			throws Exception {
		HandoffConnectors child = new HandoffConnectors(HandoffMode.REUSEPORT, true);
		int mainPort = EmbeddedTomcat.freePort();
		int managementPort = EmbeddedTomcat.freePort();
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(baseDir);
				ServerSocket squatter = EmbeddedTomcat.squat(managementPort)) {
			// registered in the order a real application registers them
			child.registerMain(tomcat.addConnector(mainPort));
			Connector management = tomcat.addConnector(managementPort);
			child.registerAdditional(management);
			tomcat.start();
			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(child::openListeners)
				.withMessageContaining("port " + managementPort);
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new RawHttp(mainPort, 1000).close());
		}
	}

	@Test
	void resumeTriesEveryListenerMainFirstAndSaysWhichCouldNotAcceptAgain(@TempDir Path baseDir) throws Exception {
		int extraPort = EmbeddedTomcat.freePort();
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(baseDir)) {
			Connector main = tomcat.addConnector(0);
			Connector extra = tomcat.addConnector(extraPort);
			// an application's own additional connectors are registered before its main one
			this.connectors.registerAdditional(extra);
			this.connectors.registerMain(main);
			tomcat.start();
			this.connectors.stopAccepting();
			try (ServerSocket squatter = EmbeddedTomcat.squat(extraPort)) {
				assertThat(this.connectors.resumeAccepting()).contains("port " + extraPort)
					.contains("could not accept again");
				try (RawHttp client = new RawHttp(endpoint(main).getLocalPort(), 5000)) {
					assertThat(client.get("/").body()).isEqualTo("ok");
				}
				assertThat(endpoint(main).getAcceptState()).isEqualTo(AcceptState.ACCEPTING);
				assertThat(endpoint(extra).getAcceptState()).isEqualTo(AcceptState.STOPPED);
			}
		}
	}

	@Test
	void aReusePortListenerOnARandomPortRefusesReloads() {
		HandoffConnectors reusePort = new HandoffConnectors(HandoffMode.REUSEPORT, false);
		reusePort.registerMain(handoffConnector(0));
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(reusePort::checkReusePortListenersHaveFixedPorts)
			.withMessageContaining("port 0")
			.withMessageContaining("zerodowntime.handoff=inherit");
		// inherit mode keeps the very socket, whatever its port
		this.connectors.registerMain(handoffConnector(0));
		assertThatNoException().isThrownBy(this.connectors::checkReusePortListenersHaveFixedPorts);
		this.connectors.registerAdditional(handoffConnector(0));
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(this.connectors::checkReusePortListenersHaveFixedPorts);
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
