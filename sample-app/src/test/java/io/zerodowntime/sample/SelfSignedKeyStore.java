package io.zerodowntime.sample;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PKCS12 key store with a self-signed certificate for {@code localhost}, made by the JDK's
 * {@code keytool} when a test needs TLS: no private key is ever committed.
 */
final class SelfSignedKeyStore {

	static final String PASSWORD = "secret";

	private SelfSignedKeyStore() {
	}

	/**
	 * Create the key store in the directory.
	 * @return its path
	 */
	static Path create(Path directory) throws Exception {
		Path keyStore = directory.resolve("keystore.p12");
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "sample", "-keyalg", "RSA",
				"-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext",
				"SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
				"-storepass", PASSWORD)
			.redirectErrorStream(true)
			.start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
		return keyStore;
	}

	/**
	 * The sample's arguments that make its main port speak TLS with the key store.
	 */
	static List<String> serverArguments(Path keyStore) {
		return List.of("--server.ssl.key-store=" + keyStore, "--server.ssl.key-store-password=" + PASSWORD,
				"--server.ssl.key-store-type=PKCS12");
	}

}
