package io.zerodowntime.internal.tomcat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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

/**
 * Tests for {@link QueuedHandshakeChannel} on a real Tomcat in this JVM: TLS clients that
 * connect at once are all served through the turns, one handshake computation at a time.
 */
class QueuedHandshakeChannelTests {

	private static final String PASSWORD = "secret";

	private static final int CLIENTS = 12;

	@TempDir
	Path baseDir;

	@Test
	void clientsConnectingAtOnceAreAllServedThroughTheTurns() throws Exception {
		Path keyStore = createKeyStore();
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tls(tomcat.addConnector(0), keyStore));
			endpoint.setHandshakeConcurrency(1);
			tomcat.start();
			assertThat(getAllAtOnce(endpoint.getLocalPort(), keyStore)).containsOnly("ok");
			// at least one computation per handshake took its turn
			assertThat(endpoint.getHandshakeTurnsTaken()).isGreaterThanOrEqualTo(CLIENTS);
		}
	}

	@Test
	void withoutTurnsHandshakesAreLeftToTomcat() throws Exception {
		Path keyStore = createKeyStore();
		try (EmbeddedTomcat tomcat = new EmbeddedTomcat(this.baseDir)) {
			HandoffNioEndpoint endpoint = endpoint(tls(tomcat.addConnector(0), keyStore));
			endpoint.setHandshakeConcurrency(0);
			tomcat.start();
			assertThat(getAllAtOnce(endpoint.getLocalPort(), keyStore)).containsOnly("ok");
			assertThat(endpoint.getHandshakeTurnsTaken()).isZero();
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
