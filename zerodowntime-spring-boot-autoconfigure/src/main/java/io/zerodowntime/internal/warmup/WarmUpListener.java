package io.zerodowntime.internal.warmup;

import java.io.Closeable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.coyote.http2.Http2Protocol;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.tomcat.CompressionConnectorCustomizer;
import org.springframework.boot.tomcat.SslConnectorCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Compression;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerSslBundle;

/**
 * A listener of the application's Tomcat on an ephemeral loopback port, private to this
 * process, that speaks what the main listener speaks: TLS with the same bundles, HTTP/2 and
 * compression when they are on. It is a plain Tomcat connector: it takes no part in reloads
 * and is removed again after the warm-up.
 *
 * @author zerodowntime
 */
final class WarmUpListener implements Closeable {

	private static final Log logger = LogFactory.getLog(WarmUpListener.class);

	private final Service service;

	private final Connector connector;

	private final boolean tls;

	private final boolean http2;

	private WarmUpListener(Service service, Connector connector, boolean tls, boolean http2) {
		this.service = service;
		this.connector = connector;
		this.tls = tls;
		this.http2 = http2;
	}

	/**
	 * Add the listener to the running service, configured as the factory configured the
	 * main listener.
	 * @param service the service of the application's web server
	 * @param factory the factory that made the application's web server
	 * @return the started listener
	 * @throws LifecycleException if it cannot be started
	 */
	static WarmUpListener open(Service service, TomcatServletWebServerFactory factory) throws LifecycleException {
		Connector connector = new Connector(Http11NioProtocol.class.getName());
		connector.setPort(0);
		connector.setProperty("address", "127.0.0.1");
		Ssl ssl = factory.getSsl();
		boolean tls = ssl != null && ssl.isEnabled();
		if (ssl != null && tls) {
			SslBundle bundle = WebServerSslBundle.get(ssl, factory.getSslBundles());
			new SslConnectorCustomizer(logger, connector, ssl.getClientAuth()).customize(bundle,
					serverNameBundles(ssl, factory.getSslBundles()));
		}
		Http2 http2 = factory.getHttp2();
		boolean speaksHttp2 = http2 != null && http2.isEnabled();
		if (speaksHttp2) {
			connector.addUpgradeProtocol(new Http2Protocol());
		}
		Compression compression = factory.getCompression();
		if (compression != null && compression.getEnabled()) {
			new CompressionConnectorCustomizer(compression).customize(connector);
		}
		try {
			// a started service starts the connectors added to it
			service.addConnector(connector);
		}
		catch (IllegalArgumentException ex) {
			throw new LifecycleException("the warm-up listener did not start", ex);
		}
		if (connector.getLocalPort() <= 0) {
			service.removeConnector(connector);
			connector.destroy();
			throw new LifecycleException("the warm-up listener did not start (state " + connector.getState() + ")");
		}
		return new WarmUpListener(service, connector, tls, speaksHttp2);
	}

	private static Map<String, SslBundle> serverNameBundles(Ssl ssl, @Nullable SslBundles bundles) {
		Map<String, SslBundle> byServerName = new LinkedHashMap<>();
		if (bundles == null) {
			return byServerName;
		}
		for (Ssl.ServerNameSslBundle serverName : ssl.getServerNameBundles()) {
			byServerName.put(serverName.serverName(), bundles.getBundle(serverName.bundle()));
		}
		return byServerName;
	}

	String baseUri() {
		return (this.tls ? "https" : "http") + "://127.0.0.1:" + this.connector.getLocalPort();
	}

	boolean isTls() {
		return this.tls;
	}

	boolean isHttp2() {
		return this.http2;
	}

	@Override
	public void close() {
		// removing a connector stops it: the port is closed, its threads end
		this.service.removeConnector(this.connector);
		try {
			this.connector.destroy();
		}
		catch (LifecycleException ex) {
			logger.debug("Warm-up listener not destroyed cleanly", ex);
		}
	}

}
