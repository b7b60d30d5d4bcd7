package io.zerodowntime.internal.tomcat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.zerodowntime.internal.tomcat.EmbeddedTomcat.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link HandshakeQueue}: its order with real threads, and on a real Tomcat in
 * this JVM, TLS clients that connect at once all served through it, one handshake step at
 * a time.
 */
class HandshakeQueueTests {

	private static final String PASSWORD = "secret";

	private static final int CLIENTS = 12;

	@TempDir
	Path baseDir;

	@Test
	void theOldestConnectionWaitingHasTheNextTurn() throws Exception {
		// a first-come order would be 3, 1, 1, 2
		long[][] steps = { { 0, 3 }, { 0, 1 }, { 0, 1 }, { 0, 2 } };
		assertThat(orderRun(steps)).containsExactly(1L, 1L, 2L, 3L);
	}

	@Test
	void eachClientsFirstConnectionGoesBeforeAnyClientsSecond() throws Exception {
		// one client opened connections 1, 2 and 3 at once (rounds 0, 1, 2); another, 4
		long[][] steps = { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 0, 4 } };
		assertThat(orderRun(steps)).containsExactly(1L, 4L, 2L, 3L);
	}

	/**
	 * Queue steps, each a round and a connection number, behind a step that holds the one
	 * thread, and return the connections in the order their steps ran once it lets go.
	 */
	private static List<Long> orderRun(long[][] steps) throws InterruptedException {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		HandshakeQueue queue = new HandshakeQueue(1, "test", (connection, event) -> {
		});
		try {
			queue.run(0, 10, () -> {
				running.countDown();
				await(release);
			});
			assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			List<Long> order = Collections.synchronizedList(new ArrayList<>());
			CountDownLatch done = new CountDownLatch(steps.length);
			for (long[] step : steps) {
				queue.run((int) step[0], step[1], () -> {
					order.add(step[1]);
					done.countDown();
				});
			}
			release.countDown();
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			return order;
		}
		finally {
			queue.close();
		}
	}

	@Test
	void noMoreStepsRunAtOnceThanTheConcurrency() throws Exception {
		HandshakeQueue queue = new HandshakeQueue(2, "test", (connection, event) -> {
		});
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(8);
		try {
			for (int i = 0; i < 8; i++) {
				queue.run(0, i, () -> {
					mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					running.decrementAndGet();
					done.countDown();
				});
			}
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(mostAtOnce).hasValue(2);
		}
		finally {
			queue.close();
		}
	}

	@Test
	void aClosedQueueRefusesWork() {
		HandshakeQueue queue = new HandshakeQueue(1, "test", (connection, event) -> {
		});
		queue.close();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> queue.run(0, 1, () -> {
		}));
	}

	@Test
	void clientsConnectingAtOnceAreAllServedThroughTheQueue() throws Exception {
		// at least two steps per handshake: the client's hello, then its finish
		assertThat(stepsTakenServingClientsAtOnce(1)).isGreaterThanOrEqualTo(2 * CLIENTS);
	}

	@Test
	void withoutAQueueHandshakesAreLeftToTomcat() throws Exception {
		assertThat(stepsTakenServingClientsAtOnce(0)).isZero();
	}

	/**
	 * Serve {@link #CLIENTS} TLS clients connecting at once, and return how many steps the
	 * endpoint's handshake queue took.
	 */
	private long stepsTakenServingClientsAtOnce(int handshakeConcurrency) throws Exception {
		Path keyStore = createKeyStore();
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tls(tomcat.addConnector(0), keyStore));
			endpoint.setHandshakeConcurrency(handshakeConcurrency);
			tomcat.start();
			assertThat(getAllAtOnce(endpoint.getLocalPort(), keyStore)).containsOnly("ok");
			// a client that leaves before its hello ends its handshake too
			new Socket(InetAddress.getLoopbackAddress(), endpoint.getLocalPort()).close();
			awaitNoHandshakeInProgress(endpoint);
			return endpoint.getHandshakeStepsTaken();
		}
	}

	private static void awaitNoHandshakeInProgress(HandoffNioEndpoint endpoint) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (endpoint.getHandshakesInProgress(InetAddress.getLoopbackAddress()) > 0
				&& System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(endpoint.getHandshakesInProgress(InetAddress.getLoopbackAddress())).isZero();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Connector tls(Connector connector, Path keyStore) {
		connector.setSecure(true);
		connector.setScheme("https");
		connector.setProperty("SSLEnabled", "true");
		SSLHostConfig host = new SSLHostConfig();
		SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(host,
				SSLHostConfigCertificate.Type.UNDEFINED);
		certificate.setCertificateKeystoreFile(keyStore.toString());
		certificate.setCertificateKeystorePassword(PASSWORD);
		host.addCertificate(certificate);
		connector.addSslHostConfig(host);
		return connector;
	}

	private List<String> getAllAtOnce(int port, Path keyStore) throws Exception {
		SSLContext context = trusting(keyStore);
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<CompletableFuture<String>> bodies = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				bodies.add(CompletableFuture.supplyAsync(() -> get(context, port), clients));
			}
			List<String> answers = new ArrayList<>();
			for (CompletableFuture<String> body : bodies) {
				answers.add(body.get(60, TimeUnit.SECONDS));
			}
			return answers;
		}
		finally {
			clients.shutdownNow();
		}
	}

	private static String get(SSLContext context, int port) {
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(30_000);
			socket.startHandshake();
			OutputStream out = socket.getOutputStream();
			out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
			return response.substring(response.indexOf("\r\n\r\n") + 4);
		}
		catch (Exception ex) {
			return ex.toString();
		}
	}

	private static SSLContext trusting(Path keyStore) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	private Path createKeyStore() throws Exception {
		Path keyStore = this.baseDir.resolve("server.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
				"-validity", "1", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
				"-keypass", PASSWORD)
			.redirectErrorStream(true)
			.start();
		String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool ended").isTrue();
		}
		finally {
			keytool.destroyForcibly();
		}
		assertThat(keytool.exitValue()).as("keytool: %s", output).isZero();
		return keyStore;
	}

}
