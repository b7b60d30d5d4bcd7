package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link ListeningSockets}.
 */
class ListeningSocketsTests {

	@Test
	void findsTheDescriptorOfThisProcesssListener() throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress("127.0.0.1", 0));
			int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
			int descriptor = new ListeningSockets().findDescriptor(port).orElseThrow();
			String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + descriptor)).toString();
			assertThat(target).startsWith("socket:[");
			assertThat(new ListeningSockets().listeningInodes(port)).contains(target.substring(8, target.length() - 1));
		}
	}

	@Test
	void findsEveryListenerOfThisProcessOnThePort() throws IOException {
		try (ServerSocketChannel first = ServerSocketChannel.open();
				ServerSocketChannel second = ServerSocketChannel.open()) {
			first.bind(new InetSocketAddress("127.0.0.1", 0));
			int port = ((InetSocketAddress) first.getLocalAddress()).getPort();
			second.bind(new InetSocketAddress("127.0.0.2", port));
			int[] descriptors = new ListeningSockets().findDescriptors(port);
			assertThat(descriptors).hasSize(2);
			assertThat(new ListeningSockets().findDescriptor(port)).hasValue(descriptors[0]);
		}
	}

	@Test
	void findsNothingForAPortNobodyListensOn() throws IOException {
		int port;
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress("127.0.0.1", 0));
			port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
		}
		assertThat(new ListeningSockets().findDescriptor(port)).isEmpty();
	}

	@Test
	void unreadableSocketTablesAreAnErrorNotAnAbsentListener(@TempDir Path proc) {
		assertThatIOException().isThrownBy(() -> new ListeningSockets(proc).findDescriptor(8080))
			.withMessageContaining(proc.resolve("net/tcp").toString())
			.withMessageContaining("can be read, so the listening socket cannot be found");
	}

}
