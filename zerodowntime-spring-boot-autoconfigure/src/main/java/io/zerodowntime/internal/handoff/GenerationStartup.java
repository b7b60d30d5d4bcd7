package io.zerodowntime.internal.handoff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import io.zerodowntime.internal.reload.BackgroundWork;
import io.zerodowntime.internal.reload.ParentHandshake;
import io.zerodowntime.internal.reload.PidFile;
import io.zerodowntime.internal.reload.ReloadCoordinator;
import io.zerodowntime.internal.tomcat.HandoffConnectors;
import io.zerodowntime.internal.warmup.WarmUp;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.HealthProbe;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Makes a started generation the serving one. Generation 0 serves as soon as the
 * application is ready. A child first waits until it is healthy, warms up (see
 * {@link WarmUp}), reports to its parent, and opens its listeners only once the parent has
 * acknowledged; if the parent refuses, health is {@code DOWN} or a required warm-up is
 * incomplete, the child exits without having served anyone. A child starts its background
 * work once its parent has stopped its own.
 *
 * @author zerodowntime
 */
public class GenerationStartup implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(GenerationStartup.class);

	private static final Duration HEALTH_POLL_INTERVAL = Duration.ofMillis(200);

	private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

	private final ReloadCoordinator reloader;

	private final HandoffConnectors connectors;

	private final HealthProbe healthProbe;

	private final @Nullable PidFile pidFile;

	private final ConnectionDrainHandover.ProcessExit exit;

	private final BackgroundWork backgroundWork;

	private final Duration backgroundStopTimeout;

	private final @Nullable WarmUp warmUp;

	public GenerationStartup(ReloadCoordinator reloader, HandoffConnectors connectors, HealthProbe healthProbe,
			@Nullable PidFile pidFile, ConnectionDrainHandover.ProcessExit exit, BackgroundWork backgroundWork,
			Duration backgroundStopTimeout, @Nullable WarmUp warmUp) {
		this.reloader = reloader;
		this.connectors = connectors;
		this.healthProbe = healthProbe;
		this.pidFile = pidFile;
		this.exit = exit;
		this.backgroundWork = backgroundWork;
		this.backgroundStopTimeout = backgroundStopTimeout;
		this.warmUp = warmUp;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		Generation generation = this.reloader.getGeneration();
		String listener = this.connectors.isMainListenerInherited() ? "listener inherited on file descriptor 0"
				: "listener bound by this process";
		logger.info("Zero-downtime reloads enabled: handoff="
				+ this.connectors.getHandoffMode().name().toLowerCase(Locale.ROOT) + ", " + generation + ", "
				+ this.connectors.size() + " listener(s), " + listener);
		warnIfQueuedConnectionsAreReset();
		Class<?> mainClass = event.getSpringApplication().getMainApplicationClass();
		if (!generation.isChild()) {
			this.reloader.serving(mainClass);
			writePidFile(generation);
			return;
		}
		Thread handshake = new Thread(() -> takeOver(generation, mainClass, event.getApplicationContext()),
				"zerodowntime-handshake");
		handshake.setDaemon(true);
		handshake.start();
	}

	private void takeOver(Generation generation, @Nullable Class<?> mainClass,
			ConfigurableApplicationContext context) {
		ParentHandshake handshake = new ParentHandshake(generation, this.backgroundStopTimeout);
		try {
			HealthProbe.Result health = awaitHealthy();
			if (!health.isUp()) {
				logger.error("Not taking over from parent pid " + generation.parentPid() + ": health is "
						+ health.status() + " (" + health.details() + ")");
				handshake.reportUnhealthy(health.status() + " " + health.details());
				stop(context, 1);
				return;
			}
			String notWarm = (this.warmUp != null) ? this.warmUp.run() : null;
			if (notWarm != null) {
				logger.error("Not taking over from parent pid " + generation.parentPid() + ": " + notWarm);
				handshake.reportUnhealthy(notWarm);
				stop(context, 1);
				return;
			}
			// the PID file names this generation before the parent hears that it serves, so
			// that whoever waits for the reload's outcome finds the new pid there
			String warmUpNote = (this.warmUp != null) ? this.warmUp.note() : null;
			if (!handshake.reportReady(warmUpNote, () -> {
				this.connectors.openListeners();
				writePidFile(generation);
			})) {
				stop(context, 1);
				return;
			}
			logger.info("Took over from parent pid " + generation.parentPid() + " as " + generation);
			this.reloader.tookOver(handshake.handoverReport());
			this.reloader.serving(mainClass);
			// the parent has stopped its background work by now (or is gone)
			this.backgroundWork.start();
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Handshake with parent pid " + generation.parentPid() + " failed; this generation stops", ex);
			stop(context, 1);
		}
	}

	private HealthProbe.Result awaitHealthy() {
		HealthProbe.Result result = this.healthProbe.check();
		String lastStatus = null;
		while (!result.isUp() && !result.isDown()) {
			if (!result.status().equals(lastStatus)) {
				logger.info("Waiting to become healthy before taking over: " + result.status() + " ("
						+ result.details() + ")");
				lastStatus = result.status();
			}
			try {
				Thread.sleep(HEALTH_POLL_INTERVAL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return result;
			}
			result = this.healthProbe.check();
		}
		return result;
	}

	private void stop(ConfigurableApplicationContext context, int code) {
		ContextExit.closeAndExit(context, this.exit, code);
	}

	private void writePidFile(Generation generation) {
		if (this.pidFile != null) {
			this.pidFile.writeOrLogFailure(generation.pid());
		}
	}

	private void warnIfQueuedConnectionsAreReset() {
		if (this.connectors.getHandoffMode() != HandoffMode.REUSEPORT) {
			return;
		}
		try {
			String value = Files.readString(MIGRATE_REQ, StandardCharsets.US_ASCII).trim();
			if (value.equals("0")) {
				logger.warn("net.ipv4.tcp_migrate_req is 0: with handoff=reuseport, connections still queued in the "
						+ "old generation's socket when it closes are reset. Set it to 1 (sysctl -w "
						+ "net.ipv4.tcp_migrate_req=1, Linux 5.14 or later) to move them to the new generation");
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot read " + MIGRATE_REQ + " (Linux 5.14 or later has it): with handoff=reuseport, "
					+ "connections still queued in the old generation's socket when it closes can be reset");
		}
	}

}
