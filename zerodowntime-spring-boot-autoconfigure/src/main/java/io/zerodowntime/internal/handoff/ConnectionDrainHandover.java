package io.zerodowntime.internal.handoff;

import java.time.Duration;

import io.zerodowntime.internal.reload.Handover;
import io.zerodowntime.internal.reload.PidFile;
import io.zerodowntime.internal.tomcat.HandoffConnectors;
import io.zerodowntime.reload.ReloadReport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hands over to a child that serves: stops accepting, keeps serving the open connections
 * (each HTTP/1.1 response now says {@code Connection: close}, each HTTP/2 connection is
 * sent GOAWAY), closes those with nothing in progress, and once all are closed or the drain
 * timeout passes, closes the application context and exits. If the child dies during the
 * drain, this generation accepts again and stays the serving one.
 *
 * @author zerodowntime
 */
public class ConnectionDrainHandover implements Handover {

	private static final Log logger = LogFactory.getLog(ConnectionDrainHandover.class);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	private final HandoffConnectors connectors;

	private final Duration drainTimeout;

	private final ConfigurableApplicationContext context;

	private final WebServers webServers;

	private final @Nullable PidFile pidFile;

	private final ProcessExit exit;

	public ConnectionDrainHandover(HandoffConnectors connectors, Duration drainTimeout,
			ConfigurableApplicationContext context, WebServers webServers, @Nullable PidFile pidFile,
			ProcessExit exit) {
		this.connectors = connectors;
		this.drainTimeout = drainTimeout;
		this.context = context;
		this.webServers = webServers;
		this.pidFile = pidFile;
		this.exit = exit;
	}

	@Override
	public void stopAccepting() {
		this.connectors.stopAccepting();
	}

	@Override
	public @Nullable String handOver(ReloadReport report, Process child) {
		long start = System.nanoTime();
		this.connectors.stopAccepting();
		logger.info("Stopped accepting; draining " + this.connectors.getOpenConnectionCount() + " open connection(s), "
				+ this.connectors.getRequestsInProgress() + " request(s) in progress, for at most " + this.drainTimeout);
		int open = awaitDrained(start + this.drainTimeout.toNanos(), child);
		if (!child.isAlive()) {
			return resume(child);
		}
		if (open > 0) {
			int inProgress = this.connectors.getRequestsInProgress();
			logger.warn("Drain timeout " + this.drainTimeout + " reached: " + open + " connection(s) still open are "
					+ "closed now; " + inProgress + " of them with a request in progress, which is cut off");
			stopWebServerWithoutGrace();
		}
		else {
			logger.info("Drained all connections in " + Duration.ofNanos(System.nanoTime() - start).toMillis()
					+ " ms; exiting");
		}
		ContextExit.closeAndExit(this.context, this.exit, 0);
		return null;
	}

	/**
	 * The drain timeout bounds the whole exit: Spring Boot's graceful shutdown would wait
	 * for the cut-off requests once more, on the application's and on a separate
	 * management server.
	 */
	private void stopWebServerWithoutGrace() {
		this.webServers.stopAll();
	}

	private int awaitDrained(long deadline, Process child) {
		int open = this.connectors.getOpenConnectionCount();
		while (open > 0 && System.nanoTime() < deadline && child.isAlive()) {
			this.connectors.drainOpenConnections();
			try {
				Thread.sleep(POLL_INTERVAL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			open = this.connectors.getOpenConnectionCount();
		}
		return open;
	}

	private String resume(Process child) {
		String notResumed = this.connectors.resumeAccepting();
		String reason = "new generation pid " + child.pid() + " exited with code " + child.exitValue()
				+ " while this generation was still draining; this generation accepts again and keeps serving"
				+ ((notResumed != null) ? ", but " + notResumed : "");
		logger.error(reason);
		if (this.pidFile != null) {
			this.pidFile.writeOrLogFailure(ProcessHandle.current().pid());
		}
		return reason;
	}

	/**
	 * Ends the process; a seam so that tests can observe the exit.
	 */
	@FunctionalInterface
	public interface ProcessExit {

		/**
		 * Exit with the code.
		 * @param code the exit code
		 */
		void exit(int code);

	}

}
