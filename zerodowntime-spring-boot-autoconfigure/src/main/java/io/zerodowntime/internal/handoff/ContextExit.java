package io.zerodowntime.internal.handoff;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closes the application context and then ends the process, on a non-daemon thread. The
 * threads a reload runs on are daemons: once Tomcat's last non-daemon thread stopped
 * during the close, the JVM would start shutting down half-way through it, and its
 * shutdown hook would interrupt the close, so that destroy callbacks and Tomcat's cleanup
 * of its temporary directories never ran.
 *
 * @author zerodowntime
 */
final class ContextExit {

	private ContextExit() {
	}

	static void closeAndExit(ConfigurableApplicationContext context, ConnectionDrainHandover.ProcessExit exit,
			int code) {
		Thread closing = new Thread(() -> exit.exit(SpringApplication.exit(context, () -> code)),
				"zerodowntime-exit");
		closing.setDaemon(false);
		closing.start();
		try {
			closing.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
