package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NewestListenerSteering}, on real listeners sharing a loopback port.
 */
class NewestListenerSteeringTests {

	private static final int CONNECTIONS = 40;

	private final List<AutoCloseable> opened = new ArrayList<>();

	/**
	 * Connections opened and not accepted yet.
	 */
	private int connected;

	@AfterEach
	void closeAll() throws Exception {
		for (AutoCloseable closeable : this.opened) {
			closeable.close();
		}
	}

	@Test
	void withoutSteeringTheKernelSpreadsConnectionsOverBothListeners() throws IOException {
		ServerSocketChannel older = listen(0);
		int port = port(older);
		ServerSocketChannel newer = listen(port);
		connect(port, CONNECTIONS);
		// by hash of each client port: all 40 on one listener would be a 1 in 2^39 chance
		assertThat(accepted(older, newer)).doesNotContain(0);
	}

	@Test
	void ofTwoListenersTheNewerTakesEveryConnection() throws IOException {
		ServerSocketChannel older = listen(0);
		int port = port(older);
		NewestListenerSteering.steer(port);
		ServerSocketChannel newer = listen(port);
		NewestListenerSteering.steer(port);
		connect(port, CONNECTIONS);
		assertThat(accepted(older, newer)).containsExactly(0, CONNECTIONS);
	}

	@Test
	void eachGenerationTakesOverFromThePreviousInTurn() throws IOException {
		ServerSocketChannel first = listen(0);
		int port = port(first);
		NewestListenerSteering.steer(port);
		connect(port, 5);
		assertThat(accepted(first)).as("a lone listener takes everything").containsExactly(5);
		ServerSocketChannel second = listen(port);
		NewestListenerSteering.steer(port);
		first.close();
		connect(port, CONNECTIONS);
		assertThat(accepted(second)).containsExactly(CONNECTIONS);
		ServerSocketChannel third = listen(port);
		NewestListenerSteering.steer(port);
		connect(port, CONNECTIONS);
		assertThat(accepted(second, third)).containsExactly(0, CONNECTIONS);
	}

	private ServerSocketChannel listen(int port) throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open();
		this.opened.add(channel);
		channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
		channel.bind(new InetSocketAddress("127.0.0.1", port), CONNECTIONS * 2);
		channel.configureBlocking(false);
		return channel;
	}

	private static int port(ServerSocketChannel channel) throws IOException {
		return ((InetSocketAddress) channel.getLocalAddress()).getPort();
	}

	/**
	 * Open connections and leave them queued on whichever listener the kernel chose: a
	 * connect completes once the handshake has, before any accept.
	 */
	private void connect(int port, int count) throws IOException {
		for (int i = 0; i < count; i++) {
			Socket socket = new Socket();
			this.opened.add(socket);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			this.connected++;
		}
	}

	/**
	 * Accept what each listener has queued, until the connections just opened are all
	 * accepted: the last handshake may still be completing on the server's side.
	 */
	private int[] accepted(ServerSocketChannel... listeners) throws IOException {
		int[] counts = new int[listeners.length];
		int total = 0;
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (total < this.connected && System.nanoTime() < deadline) {
			for (int i = 0; i < listeners.length; i++) {
				SocketChannel connection;
				while ((connection = listeners[i].accept()) != null) {
					this.opened.add(connection);
					counts[i]++;
					total++;
				}
			}
			Thread.onSpinWait();
		}
		this.connected -= total;
		return counts;
	}

}
