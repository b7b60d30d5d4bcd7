package io.zerodowntime.internal.handoff;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Every web server of this generation: the application's and, when
 * {@code management.server.port} is set, the management server (whose child context
 * publishes its event to the application context too).
 *
 * @author zerodowntime
 */
public class WebServers implements ApplicationListener<WebServerInitializedEvent> {

	private static final Log logger = LogFactory.getLog(WebServers.class);

	private final List<WebServer> servers = new CopyOnWriteArrayList<>();

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (!this.servers.contains(event.getWebServer())) {
			this.servers.add(event.getWebServer());
		}
	}

	/**
	 * Stop every web server now, without a graceful phase: the drain bound has passed.
	 */
	void stopAll() {
		for (WebServer server : this.servers) {
			try {
				server.stop();
			}
			catch (RuntimeException ex) {
				logger.warn("Web server on port " + server.getPort() + " did not stop cleanly", ex);
			}
		}
	}

	int size() {
		return this.servers.size();
	}

}
