package io.zerodowntime.internal.warmup;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS trust of the warm-up client: it talks only to the loopback listener this process
 * has just bound, sends nothing secret and believes nothing it receives, so it accepts the
 * server's own certificate whatever its issuer and names (often a certificate for the
 * service's public name, or one a client trusts through a store this JVM does not have).
 *
 * @author zerodowntime
 */
final class LoopbackTrust extends X509ExtendedTrustManager {

	private LoopbackTrust() {
	}

	static SSLContext context() throws GeneralSecurityException {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new LoopbackTrust() }, null);
		return context;
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) {
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
		throw new UnsupportedOperationException("a client-side trust manager");
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
		throw new UnsupportedOperationException("a client-side trust manager");
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) {
		throw new UnsupportedOperationException("a client-side trust manager");
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return new X509Certificate[0];
	}

}
