package io.zerodowntime.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The handoff modes the process-level tests cover, each with the network it needs:
 * {@code inherit} on the host's loopback as it is (no namespace, no sysctl), and
 * {@code reuseport} in a namespace of its own with {@code net.ipv4.tcp_migrate_req=1},
 * without which a default kernel resets connections queued in the closing socket.
 */
public enum HandoffUnderTest {

	INHERIT("inherit"), REUSEPORT("reuseport");

	private final String property;

	HandoffUnderTest(String property) {
		this.property = property;
	}

	public String argument() {
		return "--zerodowntime.handoff=" + this.property;
	}

	public TestNetwork network() throws Exception {
		return (this == INHERIT) ? TestNetwork.host() : NetworkNamespace.create("net.ipv4.tcp_migrate_req=1");
	}

	/**
	 * A port that is free on the host, or a fixed one inside a fresh namespace.
	 */
	public int port() throws IOException {
		if (this == REUSEPORT) {
			return 18080;
		}
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

}
