package io.zerodowntime.internal.warmup;

import java.time.Duration;
import java.util.List;

import org.apache.catalina.LifecycleException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * Warms a new generation up once it is healthy and before it reports ready: requests go
 * through its real servlet pipeline on a private loopback {@link WarmUpListener}, never
 * through the shared listener, which stays gated. A cold JVM is slowest at what a client
 * meets first (TLS handshakes above all, then each code path's first use), so clients that
 * move over at the takeover meet code that has already run.
 *
 * @author zerodowntime
 */
public class WarmUp {

	/**
	 * What is asked for when the application lists no paths: a path no application serves,
	 * so that the warm-up runs the connections, the filters, the dispatcher and the error
	 * page, and no application code.
	 */
	public static final String DEFAULT_PATH = "/.well-known/zerodowntime-warm-up";

	private static final Log logger = LogFactory.getLog(WarmUp.class);

	private final ApplicationContext context;

	private final List<String> paths;

	private final int requests;

	private final Duration timeout;

	private final boolean required;

	/**
	 * Create a new instance.
	 * @param context the application context, whose web server is warmed up
	 * @param paths the paths to ask for, in turn; none for {@link #DEFAULT_PATH}
	 * @param requests how many requests to send in all
	 * @param timeout how long the warm-up may take
	 * @param required whether a warm-up that is not complete (a request failed or not
	 * sent in time) keeps this generation from taking over
	 */
	public WarmUp(ApplicationContext context, List<String> paths, int requests, Duration timeout, boolean required) {
		this.context = context;
		this.paths = paths.isEmpty() ? List.of(DEFAULT_PATH) : List.copyOf(paths);
		this.requests = requests;
		this.timeout = timeout;
		this.required = required;
	}

	/**
	 * Warm up, and tell whether this generation may take over.
	 * @return why it must not, or {@code null}
	 */
	public @Nullable String run() {
		TomcatWebServer server = applicationServer();
		TomcatServletWebServerFactory factory = this.context.getBeanProvider(TomcatServletWebServerFactory.class)
			.getIfUnique();
		if (server == null || factory == null) {
			return skipped("the application's web server is not a Tomcat made by one TomcatServletWebServerFactory");
		}
		Ssl ssl = factory.getSsl();
		if (ssl != null && ssl.isEnabled() && ssl.getClientAuth() == Ssl.ClientAuth.NEED) {
			return skipped("the main listener requires a client certificate (server.ssl.client-auth=need), which "
					+ "the warm-up has none of");
		}
		try (WarmUpListener listener = WarmUpListener.open(server.getTomcat().getService(), factory)) {
			WarmUpRequests.Result result = WarmUpRequests.send(listener, this.paths, this.requests, this.timeout);
			return report(result, listener);
		}
		catch (LifecycleException | RuntimeException ex) {
			logger.warn("Warm-up failed: " + ex, ex);
			return this.required ? "warm-up failed: " + ex : null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted during the warm-up";
		}
	}

	private @Nullable TomcatWebServer applicationServer() {
		if (this.context instanceof WebServerApplicationContext webContext) {
			WebServer server = webContext.getWebServer();
			if (server instanceof TomcatWebServer tomcat) {
				return tomcat;
			}
		}
		return null;
	}

	private @Nullable String report(WarmUpRequests.Result result, WarmUpListener listener) {
		String summary = result.sent() + " request(s) to " + this.paths + " over " + result.connections()
				+ " connection(s) (" + (listener.isTls() ? "TLS" : "clear text") + ", "
				+ (listener.isHttp2() ? "HTTP/2" : "HTTP/1.1") + ") on the private listener " + listener.baseUri() + " in "
				+ result.elapsed().toMillis() + " ms";
		if (result.isComplete()) {
			logger.info("Warmed up before taking over: " + summary);
			return null;
		}
		String incomplete = summary + "; " + result.failed() + " failed"
				+ ((result.firstFailure() != null) ? " (first: " + result.firstFailure() + ")" : "") + ", "
				+ result.notSent() + " not sent within " + this.timeout;
		if (this.required) {
			logger.error("Warm-up incomplete, and zerodowntime.warm-up.required is set: " + incomplete);
			return "warm-up incomplete: " + incomplete;
		}
		logger.warn("Warm-up incomplete (taking over anyway): " + incomplete);
		return null;
	}

	private @Nullable String skipped(String reason) {
		logger.warn("Warm-up skipped: " + reason);
		return this.required ? "warm-up skipped: " + reason : null;
	}

}
