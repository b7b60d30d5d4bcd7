package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.LongLivedDrain;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.zerodowntime.internal.tomcat.EmbeddedTomcat.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link HandoffNioEndpoint} on a real Tomcat in this JVM, with real sockets on
 * loopback: the gate, the stop, the resume and the unlock of the acceptor.
 */
class HandoffNioEndpointTests {

	@TempDir
	Path baseDir;

	@Test
	void aGatedEndpointTakesNoConnectionUntilItsGateOpens() throws Exception {
		int port = EmbeddedTomcat.freePort();
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tomcat.addConnector(port));
			endpoint.setHandoffMode(HandoffMode.REUSEPORT);
			endpoint.setGated(true);
			tomcat.start();
			assertThat(endpoint.getAcceptState()).isEqualTo(AcceptState.GATED);
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new RawHttp(port, 1000).close());
			endpoint.openGate();
			assertThat(endpoint.getAcceptState()).isEqualTo(AcceptState.ACCEPTING);
			try (RawHttp client = new RawHttp(port, 5000)) {
				assertThat(client.get("/").body()).isEqualTo("ok");
			}
		}
	}

	@Test
	void afterStopAcceptingOpenConnectionsAreServedWithConnectionCloseAndNewOnesAreNotTaken() throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tomcat.addConnector(0));
			tomcat.start();
			int port = endpoint.getLocalPort();
			try (RawHttp kept = new RawHttp(port, 5000)) {
				assertThat(kept.get("/").closesConnection()).isFalse();
				endpoint.stopAccepting();
				assertThat(endpoint.getAcceptState()).isEqualTo(AcceptState.STOPPED);
				RawHttp.Response response = kept.get("/");
				assertThat(response.body()).isEqualTo("ok");
				assertThat(response.closesConnection()).isTrue();
			}
			// the shared listener stays open for the next generation: the connection
			// waits in its queue, nobody here accepts it
			try (RawHttp late = new RawHttp(port, 1000)) {
				assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> late.get("/"));
			}
		}
	}

	@Test
	void theDrainClosesIdleConnectionsAfterTheGraceAndLetsARequestInProgressFinish() throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tomcat.addConnector(0));
			tomcat.start();
			int port = endpoint.getLocalPort();
			try (RawHttp idle = new RawHttp(port, 10_000); RawHttp busy = new RawHttp(port, 10_000)) {
				assertThat(idle.get("/").closesConnection()).isFalse();
				busy.send("/hold");
				tomcat.awaitHolding();
				endpoint.stopAccepting();
				CompletableFuture<Boolean> idleClosed = CompletableFuture.supplyAsync(() -> {
					try {
						return idle.awaitClosedByServer();
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				});
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (!idleClosed.isDone() && System.nanoTime() < deadline) {
					endpoint.drainOpenConnections();
					Thread.sleep(20);
				}
				assertThat(idleClosed.get(1, TimeUnit.SECONDS)).as("the idle connection was closed").isTrue();
				// the client sees the close a moment before the endpoint forgets the connection
				while (endpoint.getOpenConnectionCount() > 1 && System.nanoTime() < deadline) {
					Thread.sleep(5);
				}
				assertThat(endpoint.getOpenConnectionCount()).as("the busy connection is still open").isOne();
				tomcat.release();
				assertThat(busy.read().body()).isEqualTo("released");
				// its request started before the stop, so keep-alive was on: closed once idle
				CompletableFuture<Boolean> busyClosed = CompletableFuture.supplyAsync(() -> {
					try {
						return busy.awaitClosedByServer();
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				});
				while (!busyClosed.isDone() && System.nanoTime() < deadline) {
					endpoint.drainOpenConnections();
					Thread.sleep(20);
				}
				assertThat(busyClosed.get(1, TimeUnit.SECONDS)).as("the connection was closed once idle").isTrue();
			}
		}
	}

	@Test
	void theDrainEndsAStreamingResponseNormally() throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tomcat.addConnector(0));
			tomcat.start();
			int port = endpoint.getLocalPort();
			try (RawHttp client = new RawHttp(port, 10_000)) {
				client.send("/stream");
				RawHttp.Response started = client.readHead();
				assertThat(started.headers()).containsEntry("transfer-encoding", "chunked");
				awaitAsyncRequest(endpoint);
				endpoint.stopAccepting();
				endpoint.drainOpenConnections();
				// the rest of the body: the first chunk, then the last (empty) chunk
				assertThat(client.readUntil("0\r\n\r\n")).isEqualTo("5\r\nfirst\r\n0\r\n\r\n");
			}
		}
	}

	@Test
	void keepLeavesAStreamingResponseOpen() throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tomcat.addConnector(0));
			endpoint.setLongLivedDrain(LongLivedDrain.KEEP, LongLivedDrain.KEEP);
			tomcat.start();
			int port = endpoint.getLocalPort();
			try (RawHttp client = new RawHttp(port, 1500)) {
				client.send("/stream");
				client.readHead();
				awaitAsyncRequest(endpoint);
				endpoint.stopAccepting();
				for (int i = 0; i < 10; i++) {
					endpoint.drainOpenConnections();
				}
				assertThatExceptionOfType(SocketTimeoutException.class)
					.isThrownBy(() -> client.readUntil("0\r\n\r\n"));
				assertThat(endpoint.getOpenConnectionCount()).isOne();
			}
		}
	}

	/**
	 * Wait until Tomcat holds the async request as waiting: the response's first chunk
	 * reaches the client before the container thread has handed the request back.
	 */
	private static void awaitAsyncRequest(HandoffNioEndpoint endpoint) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (endpoint.getWaitingProcessorCount() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(endpoint.getWaitingProcessorCount()).as("async requests waiting").isOne();
	}

	@Test
	void resumeAcceptingServesNewConnectionsAgainInheritMode() throws Exception {
		resumeAcceptingServesNewConnectionsAgain(HandoffMode.INHERIT, 0);
	}

	@Test
	void resumeAcceptingServesNewConnectionsAgainReusePortMode() throws Exception {
		resumeAcceptingServesNewConnectionsAgain(HandoffMode.REUSEPORT, EmbeddedTomcat.freePort());
	}

	private void resumeAcceptingServesNewConnectionsAgain(HandoffMode mode, int configuredPort) throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tomcat.addConnector(configuredPort));
			endpoint.setHandoffMode(mode);
			tomcat.start();
			int port = endpoint.getLocalPort();
			endpoint.stopAccepting();
			endpoint.resumeAccepting();
			assertThat(endpoint.getAcceptState()).isEqualTo(AcceptState.ACCEPTING);
			for (int i = 0; i < 3; i++) {
				try (RawHttp client = new RawHttp(port, 5000)) {
					RawHttp.Response response = client.get("/");
					assertThat(response.body()).isEqualTo("ok");
					assertThat(response.closesConnection()).isFalse();
				}
			}
		}
	}

	/**
	 * The child's listener, once open, takes every new connection, so that the parent's
	 * has none on the way when it closes.
	 */
	@Test
	void ofTwoReusePortGenerationsTheNewerTakesEveryNewConnection(@TempDir Path childDir) throws Exception {
		int port = EmbeddedTomcat.freePort();
		try (EmbeddedTomcat parentTomcat = new EmbeddedTomcat(this.baseDir);
				EmbeddedTomcat childTomcat = new EmbeddedTomcat(childDir)) {
			HandoffNioEndpoint parent = endpoint(parentTomcat.addConnector(port));
			parent.setHandoffMode(HandoffMode.REUSEPORT);
			parentTomcat.start();
			HandoffNioEndpoint child = endpoint(childTomcat.addConnector(port));
			child.setHandoffMode(HandoffMode.REUSEPORT);
			child.setGated(true);
			childTomcat.start();
			child.openGate();
			List<RawHttp> clients = new ArrayList<>();
			try {
				for (int i = 0; i < 20; i++) {
					RawHttp client = new RawHttp(port, 5000);
					clients.add(client);
					assertThat(client.get("/").closesConnection()).isFalse();
				}
				assertThat(child.getOpenConnectionCount()).isEqualTo(20);
				assertThat(parent.getOpenConnectionCount()).isZero();
			}
			finally {
				for (RawHttp client : clients) {
					client.close();
				}
			}
		}
	}

	@Test
	void aReusePortListenerThatCannotBeBoundAgainLeavesTheEndpointStopped() throws Exception {
		int port = EmbeddedTomcat.freePort();
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tomcat.addConnector(port));
			endpoint.setHandoffMode(HandoffMode.REUSEPORT);
			tomcat.start();
			endpoint.stopAccepting();
			try (ServerSocket squatter = EmbeddedTomcat.squat(port)) {
				assertThatIOException().isThrownBy(endpoint::resumeAccepting);
				assertThat(endpoint.getAcceptState()).isEqualTo(AcceptState.STOPPED);
			}
		}
	}

	/**
	 * An acceptor that is not in accept() when accepting stops (here: waiting for a
	 * connection slot) must be able to end as soon as it moves on, not only when the
	 * unlock connections give up after five seconds.
	 */
	@Test
	void stopAcceptingEndsABusyAcceptorWithoutWaitingForTheUnlockDeadline() throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			Connector connector = tomcat.addConnector(0);
			connector.setProperty("maxConnections", "1");
			HandoffNioEndpoint endpoint = endpoint(connector);
			tomcat.start();
			RawHttp slotHolder = new RawHttp(endpoint.getLocalPort(), 5000);
			assertThat(slotHolder.get("/").body()).isEqualTo("ok");
			CompletableFuture<Void> stop = CompletableFuture.runAsync(endpoint::stopAccepting);
			Thread.sleep(500);
			assertThat(stop).as("stop while the acceptor waits for a slot").isNotDone();
			slotHolder.close();
			// the unlock connections would give up 5 s after the stop began
			stop.get(2, TimeUnit.SECONDS);
			assertThat(endpoint.getAcceptState()).isEqualTo(AcceptState.STOPPED);
		}
	}

	/**
	 * A reuseport stop closes the listener, which wakes an acceptor blocked in accept(), but
	 * an acceptor that has just taken a connection registers it only afterwards. The stop
	 * must return only once the acceptor has ended, or a drain that starts at once could
	 * count no open connection and exit under that one. Here the acceptor is held between
	 * two accepts, waiting for a connection slot.
	 */
	@Test
	void aReusePortStopReturnsOnceTheAcceptorHasEnded() throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			Connector connector = tomcat.addConnector(EmbeddedTomcat.freePort());
			connector.setProperty("maxConnections", "1");
			HandoffNioEndpoint endpoint = endpoint(connector);
			endpoint.setHandoffMode(HandoffMode.REUSEPORT);
			tomcat.start();
			RawHttp slotHolder = new RawHttp(endpoint.getLocalPort(), 5000);
			assertThat(slotHolder.get("/").body()).isEqualTo("ok");
			CompletableFuture<Void> stop = CompletableFuture.runAsync(endpoint::stopAccepting);
			Thread.sleep(500);
			assertThat(stop).as("stop while the acceptor has not ended").isNotDone();
			slotHolder.close();
			stop.get(2, TimeUnit.SECONDS);
			assertThat(endpoint.getAcceptState()).isEqualTo(AcceptState.STOPPED);
		}
	}

	@Test
	void requestsInProgressAreCountedWhateverTheExecutor() throws Exception {
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			Connector connector = tomcat.addConnector(0);
			// like virtual threads: an executor that tells nothing about its activity
			Executor threadPerTask = (task) -> new Thread(task).start();
			connector.getProtocolHandler().setExecutor(threadPerTask);
			HandoffNioEndpoint endpoint = endpoint(connector);
			tomcat.start();
			int port = endpoint.getLocalPort();
			try (RawHttp idle = new RawHttp(port, 5000); RawHttp busy = new RawHttp(port, 10000)) {
				idle.get("/");
				busy.send("/hold");
				tomcat.awaitHolding();
				assertThat(endpoint.getOpenConnectionCount()).isEqualTo(2);
				// the idle connection's processor may still be ending after its response
				awaitValue(endpoint::getRequestsInProgress, 1);
				tomcat.release();
				assertThat(busy.read().body()).isEqualTo("released");
				awaitValue(endpoint::getRequestsInProgress, 0);
			}
		}
	}

	private static void awaitValue(IntSupplier value, int expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (value.getAsInt() != expected && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(value.getAsInt()).isEqualTo(expected);
	}

}
