package io.zerodowntime.harness;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS client trust for the tests: any certificate is trusted, because the servers under
 * test use a self-signed one made for the test and are reached on loopback only.
 */
public final class TrustAll {

	/**
	 * A trust manager that accepts every certificate.
	 */
	public static final X509TrustManager MANAGER = new X509TrustManager() {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	};

	/**
	 * A TLS client context with {@link #MANAGER}.
	 */
	public static final SSLContext CONTEXT = create();

	private TrustAll() {
	}

	private static SSLContext create() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { MANAGER }, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
