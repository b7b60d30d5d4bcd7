package io.zerodowntime.internal.warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

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

	/**
	 * How many paths the log names before it only counts them.
	 */
	private static final int PATHS_NAMED = 5;

	private final ApplicationContext context;

	private final List<String> paths;

	private final Supplier<List<String>> replayed;

	private final int requests;

	private final Duration duration;

	private final Duration timeout;

	private final boolean required;

	private volatile @Nullable String note;

	/**
	 * Create a new instance.
	 * @param context the application context, whose web server is warmed up
	 * @param paths the paths to ask for, in turn, before the replayed ones; when there
	 * are neither, {@link #DEFAULT_PATH}
	 * @param replayed the requests the previous generation served recently, path and
	 * query, most recent first
	 * @param requests how many requests to send at least
	 * @param duration how long to go on sending once they are sent
	 * @param timeout how long the warm-up may take
	 * @param required whether a warm-up that is not complete (a request failed or not
	 * sent in time) keeps this generation from taking over
	 */
	public WarmUp(ApplicationContext context, List<String> paths, Supplier<List<String>> replayed, int requests,
			Duration duration, Duration timeout, boolean required) {
		this.context = context;
		this.paths = List.copyOf(paths);
		this.replayed = replayed;
		this.requests = requests;
		this.duration = duration;
		this.timeout = timeout;
		this.required = required;
	}

	/**
	 * Warm up, and tell whether this generation may take over.
	 * @return why it must not, or {@code null}
	 * @see #note()
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
		Set<String> paths = new LinkedHashSet<>(this.paths);
		int listed = paths.size();
		paths.addAll(this.replayed.get());
		int replayed = paths.size() - listed;
		if (paths.isEmpty()) {
			paths.add(DEFAULT_PATH);
		}
		try (WarmUpListener listener = WarmUpListener.open(server.getTomcat().getService(), factory)) {
			List<String> inTurn = List.copyOf(paths);
			WarmUpRequests.Result result = WarmUpRequests.send(listener, inTurn, this.requests, this.duration,
					this.timeout);
			return report(result, listener, describe(inTurn, replayed));
		}
		catch (LifecycleException | RuntimeException ex) {
			logger.warn("Warm-up failed: " + ex, ex);
			return notComplete("warm-up failed: " + ex);
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

	private static String describe(List<String> paths, int replayed) {
		List<String> notes = new ArrayList<>();
		String named = paths.toString();
		if (paths.size() > PATHS_NAMED) {
			named = paths.subList(0, PATHS_NAMED).toString().replaceFirst("]$", ", …]");
			notes.add(paths.size() + " paths");
		}
		if (replayed > 0) {
			notes.add(replayed + " replayed from the previous generation");
		}
		return notes.isEmpty() ? named : named + " (" + String.join(", ", notes) + ")";
	}

	private @Nullable String report(WarmUpRequests.Result result, WarmUpListener listener, String paths) {
		String summary = result.sent() + " request(s) to " + paths + " over " + result.connections()
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
		}
		logger.warn("Warm-up incomplete (taking over anyway): " + incomplete);
		return notComplete("warm-up incomplete: " + incomplete);
	}

	private @Nullable String skipped(String reason) {
		logger.warn("Warm-up skipped: " + reason);
		return notComplete("warm-up skipped: " + reason);
	}

	// not required: the generation takes over, and the reload reports it
	private @Nullable String notComplete(String what) {
		if (this.required) {
			return what;
		}
		this.note = what;
		return null;
	}

	/**
	 * What the reload should report of a warm-up that did not complete although this
	 * generation takes over (the warm-up is not required).
	 * @return the note, or {@code null} if {@link #run()} has not run, or completed
	 */
	public @Nullable String note() {
		return this.note;
	}

}
