package io.zerodowntime.internal.tomcat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientHandshakes}.
 */
class ClientHandshakesTests {

	private final ClientHandshakes handshakes = new ClientHandshakes();

	@Test
	void eachAddressCountsItsOwnRounds() throws Exception {
		InetAddress greedy = InetAddress.getByName("192.0.2.1");
		InetAddress other = InetAddress.getByName("192.0.2.2");
		assertThat(this.handshakes.start(greedy)).isZero();
		assertThat(this.handshakes.start(greedy)).isOne();
		assertThat(this.handshakes.start(greedy)).isEqualTo(2);
		assertThat(this.handshakes.start(other)).isZero();
	}

	@Test
	void anEndedHandshakeFreesItsRound() throws Exception {
		InetAddress client = InetAddress.getByName("192.0.2.1");
		this.handshakes.start(client);
		this.handshakes.start(client);
		this.handshakes.end(client);
		assertThat(this.handshakes.inProgress(client)).isOne();
		this.handshakes.end(client);
		assertThat(this.handshakes.inProgress(client)).isZero();
		assertThat(this.handshakes.start(client)).isZero();
	}

	@Test
	void anUnknownAddressIsAlwaysInTheFirstRound() {
		assertThat(this.handshakes.start(null)).isZero();
		assertThat(this.handshakes.start(null)).isZero();
		this.handshakes.end(null);
	}

}
