package io.zerodowntime.handoff;

import java.time.Duration;

import io.zerodowntime.reload.Handover;
import io.zerodowntime.reload.ReloadReport;
import io.zerodowntime.tomcat.HandoffConnectors;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hands over to a child that serves: stops accepting, keeps serving the open connections
 * (each response now says {@code Connection: close}) until their clients have closed them
 * or the drain timeout passes, then closes the application context and exits.
 *
 * @author zerodowntime
 */
public class ConnectionDrainHandover implements Handover {

	private static final Log logger = LogFactory.getLog(ConnectionDrainHandover.class);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	private final HandoffConnectors connectors;

	private final Duration drainTimeout;

	private final ConfigurableApplicationContext context;

	private final ProcessExit exit;

	public ConnectionDrainHandover(HandoffConnectors connectors, Duration drainTimeout,
			ConfigurableApplicationContext context, ProcessExit exit) {
		this.connectors = connectors;
		this.drainTimeout = drainTimeout;
		this.context = context;
		this.exit = exit;
	}

	@Override
	public void handOver(ReloadReport report) {
		long start = System.nanoTime();
		this.connectors.stopAccepting();
		logger.info("Stopped accepting; draining " + this.connectors.getOpenConnectionCount()
				+ " open connection(s) for at most " + this.drainTimeout);
		int open = awaitDrained(start + this.drainTimeout.toNanos());
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		if (open > 0) {
			logger.warn("Drain timeout " + this.drainTimeout + " reached with " + open
					+ " connection(s) still open; they are cut off now");
		}
		else {
			logger.info("Drained all connections in " + took.toMillis() + " ms; exiting");
		}
		int code = SpringApplication.exit(this.context);
		this.exit.exit(code);
	}

	private int awaitDrained(long deadline) {
		int open = this.connectors.getOpenConnectionCount();
		while (open > 0 && System.nanoTime() < deadline) {
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
