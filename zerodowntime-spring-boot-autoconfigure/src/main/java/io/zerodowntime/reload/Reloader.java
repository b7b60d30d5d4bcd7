package io.zerodowntime.reload;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs reloads, one at a time: spawn the same command line as the next generation, wait
 * for it to report healthy, acknowledge it, wait for it to serve, then hand over. A child
 * that exits, reports unhealthy or stays silent past the startup timeout is stopped and
 * this generation keeps serving.
 *
 * <pre>
 * IDLE ─trigger→ STARTING ─child ready→ HANDING_OVER ─child serves→ DRAINING → exit
 *                    └──────────── child failed ─────────┴→ FAILED ─trigger→ STARTING
 * </pre>
 *
 * @author zerodowntime
 */
public class Reloader {

	private static final Log logger = LogFactory.getLog(Reloader.class);

	private static final Duration STOP_GRACE = Duration.ofSeconds(10);

	private final Generation generation;

	private final HandoffMode handoffMode;

	private final Duration startupTimeout;

	private final ChildLauncher launcher;

	private final Handover handover;

	private final List<PreflightCheck> preflightChecks;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "zerodowntime-reload");
		thread.setDaemon(true);
		return thread;
	});

	private final Object monitor = new Object();

	private ReloadCounts counts;

	private final List<ReloadListener> listeners = new CopyOnWriteArrayList<>();

	private ReloadState state = ReloadState.IDLE;

	private @Nullable ReloadReport lastReload;

	private @Nullable ReexecCommand command;

	private @Nullable String mainClassName;

	private @Nullable String notReadyReason = "the application has not finished starting";

	/**
	 * Create a new instance.
	 * @param generation this process's generation
	 * @param handoffMode how listeners are shared
	 * @param startupTimeout how long a child may take to become healthy
	 * @param launcher starts the child
	 * @param handover hands over to a child that serves
	 * @param preflightChecks checks that must pass before a child is spawned
	 */
	public Reloader(Generation generation, HandoffMode handoffMode, Duration startupTimeout, ChildLauncher launcher,
			Handover handover, List<PreflightCheck> preflightChecks) {
		this.generation = generation;
		this.handoffMode = handoffMode;
		this.startupTimeout = startupTimeout;
		this.launcher = launcher;
		this.handover = handover;
		this.preflightChecks = List.copyOf(preflightChecks);
		// a generation started by a reload exists (and counts) only if that reload succeeds
		this.counts = generation.isChild() ? generation.inheritedCounts().withSucceeded()
				: generation.inheritedCounts();
	}

	/**
	 * Add a listener.
	 * @param listener the listener
	 */
	public void addListener(ReloadListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * This generation serves: allow reloads if it knows how it was started and can be
	 * replaced.
	 * @param mainClass the application's main class, or {@code null} if unknown
	 */
	public void serving(@Nullable Class<?> mainClass) {
		String mainClassName = (mainClass != null) ? mainClass.getName() : null;
		ReexecCommand command;
		try {
			command = ReexecCommand.ofCurrentProcess(mainClass);
		}
		catch (ReloadRefusedException ex) {
			unavailable("this process cannot be re-executed: " + ex.getMessage());
			return;
		}
		serving(command, mainClassName);
	}

	void serving(ReexecCommand command, @Nullable String mainClassName) {
		if (this.generation.pid() == 1) {
			unavailable("this process is PID 1, the init process of its container, and the container would stop "
					+ "when it hands over and exits; roll out new versions with the orchestrator's rolling update "
					+ "instead");
			return;
		}
		synchronized (this.monitor) {
			this.command = command;
			this.mainClassName = mainClassName;
			this.notReadyReason = null;
		}
		logger.debug("Reloads will run: " + command);
		this.listeners.forEach((listener) -> listener.serving(this.generation));
	}

	private void unavailable(String reason) {
		synchronized (this.monitor) {
			this.notReadyReason = reason;
		}
		logger.warn("Zero-downtime reloads are unavailable: " + reason);
		this.listeners.forEach((listener) -> listener.serving(this.generation));
	}

	/**
	 * Start a reload.
	 * @param trigger what triggered it, for the log and the status
	 * @return the reload's id and the spawned child's pid
	 * @throws ReloadConflictException if a reload is already under way
	 * @throws ReloadRefusedException if the reload cannot start; nothing was spawned
	 */
	public ReloadTicket trigger(String trigger) {
		try {
			return start(trigger);
		}
		catch (ReloadConflictException | ReloadRefusedException ex) {
			synchronized (this.monitor) {
				this.counts = this.counts.withRejected();
			}
			this.listeners.forEach((listener) -> listener.rejected(trigger, ex.getMessage()));
			throw ex;
		}
	}

	private ReloadTicket start(String trigger) {
		synchronized (this.monitor) {
			if (this.state.isBusy()) {
				throw new ReloadConflictException(this.state, conflictMessage());
			}
			ReexecCommand reexec = this.command;
			if (this.notReadyReason != null || reexec == null) {
				throw new ReloadRefusedException(
						(this.notReadyReason != null) ? this.notReadyReason : "no command line to re-execute");
			}
			ReloadReport report = new ReloadReport(UUID.randomUUID().toString().substring(0, 8), trigger,
					ReloadOutcome.IN_PROGRESS, null, null, Instant.now(), null, null);
			try {
				reexec.preflight(this.mainClassName);
				this.preflightChecks.forEach(PreflightCheck::check);
			}
			catch (ReloadRefusedException ex) {
				throw refuse(report, "pre-flight check failed: " + ex.getMessage());
			}
			catch (RuntimeException ex) {
				throw refuse(report, "pre-flight check failed: " + ex);
			}
			ControlServer control;
			try {
				control = ControlServer.open();
			}
			catch (IOException | RuntimeException ex) {
				throw refuse(report, "the control channel cannot be created: " + ex);
			}
			Process child;
			try {
				child = this.launcher.launch(reexec,
						this.generation.childEnvironment(report, control.getSocket(), control.getToken(),
								this.counts));
			}
			catch (IOException ex) {
				control.close();
				throw refuse(report, "the child could not be started: " + ex);
			}
			control.expect(child.pid());
			this.lastReload = report.withChild(child.pid());
			this.state = ReloadState.STARTING;
			logger.info("Reload " + report.id() + " (" + trigger + "): started child pid " + child.pid()
					+ " as generation " + (this.generation.number() + 1) + "; waiting up to " + this.startupTimeout
					+ " for it to become healthy");
			ReloadReport started = this.lastReload;
			// before the reload thread runs, so that listeners see started before the end
			this.listeners.forEach((listener) -> listener.started(started));
			this.executor.execute(() -> run(child, control));
			return new ReloadTicket(report.id(), child.pid());
		}
	}

	/**
	 * Record a reload that could not start (nothing was spawned) and return the exception
	 * that tells the caller why.
	 */
	private ReloadRefusedException refuse(ReloadReport report, String reason) {
		this.lastReload = report.ended(ReloadOutcome.FAILED, reason);
		this.state = ReloadState.FAILED;
		logger.error("Reload " + report.id() + " (" + report.trigger() + ") refused, no child started: " + reason
				+ "; generation " + this.generation.number() + " keeps serving");
		return new ReloadRefusedException(reason);
	}

	private String conflictMessage() {
		ReloadReport current = this.lastReload;
		String child = (current != null && current.childPid() != null) ? " (child pid " + current.childPid() + ")"
				: "";
		if (this.state == ReloadState.DRAINING) {
			return "this generation has handed over" + child + " and is draining; trigger the new generation instead";
		}
		return "a reload is already " + this.state.name().toLowerCase().replace('_', ' ') + child;
	}

	private void run(Process child, ControlServer control) {
		ReloadReport succeeded = awaitTakeover(child, control);
		if (succeeded == null) {
			return;
		}
		// the control channel is closed (and its directory removed) before the handover,
		// which normally ends this process
		String resumed = this.handover.handOver(succeeded, child);
		if (resumed != null) {
			ReloadReport failed = succeeded.ended(ReloadOutcome.FAILED, resumed);
			update(ReloadState.FAILED, failed);
			synchronized (this.monitor) {
				// the success counted at the handover stands: the child did take over
				this.counts = this.counts.withFailed();
			}
			this.listeners.forEach((listener) -> listener.failed(failed));
		}
	}

	/**
	 * Wait until the child serves, or roll back.
	 * @return the successful report, or {@code null} after a rollback
	 */
	private @Nullable ReloadReport awaitTakeover(Process child, ControlServer control) {
		try (control) {
			ControlServer.ChildReport report = control.awaitReport(child, this.startupTimeout);
			try (ControlConnection connection = report.connection()) {
				if (!report.ready()) {
					throw new ReloadFailedException("child pid " + child.pid() + " is not healthy: " + report.details());
				}
				update(ReloadState.HANDING_OVER, current().withChildReady());
				logger.info("Reload " + current().id() + ": child pid " + child.pid() + " is healthy after "
						+ current().childReady() + "; handing over");
				connection.writeLine("ACK");
				awaitServing(child, connection);
			}
			ReloadReport succeeded = current().ended(ReloadOutcome.SUCCEEDED, null);
			update(ReloadState.DRAINING, succeeded);
			synchronized (this.monitor) {
				this.counts = this.counts.withSucceeded();
			}
			logger.info("Reload " + succeeded.id() + " succeeded in " + succeeded.duration() + ": child pid "
					+ child.pid() + " serves as generation " + (this.generation.number() + 1));
			this.listeners.forEach((listener) -> listener.succeeded(succeeded));
			return succeeded;
		}
		catch (ReloadFailedException ex) {
			rollBack(child, ex.getMessage());
		}
		catch (IOException ex) {
			rollBack(child, "control channel to child pid " + child.pid() + " failed: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			rollBack(child, "the reload was interrupted");
		}
		catch (RuntimeException ex) {
			rollBack(child, "unexpected error: " + ex);
		}
		return null;
	}

	private void awaitServing(Process child, ControlConnection connection) throws IOException {
		String answer;
		try {
			answer = connection.readLine(this.startupTimeout);
		}
		catch (IOException ex) {
			throw new ReloadFailedException("child pid " + child.pid() + " closed the control channel instead of "
					+ "confirming it serves" + exitDescription(child));
		}
		if (answer == null) {
			throw new ReloadFailedException("child pid " + child.pid() + " did not confirm it serves within "
					+ this.startupTimeout);
		}
		if (!answer.equals("SERVING")) {
			throw new ReloadFailedException("child pid " + child.pid() + " could not open its listeners: "
					+ answer.replaceFirst("^FAILED ", ""));
		}
	}

	private String exitDescription(Process child) {
		try {
			if (child.waitFor(1, TimeUnit.SECONDS)) {
				return " (exit code " + child.exitValue() + ")";
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "";
	}

	private void rollBack(Process child, String reason) {
		logger.error("Reload " + current().id() + " failed, rolling back: " + reason);
		stop(child);
		ReloadReport failed = current().ended(ReloadOutcome.FAILED, reason);
		update(ReloadState.FAILED, failed);
		synchronized (this.monitor) {
			this.counts = this.counts.withFailed();
		}
		this.listeners.forEach((listener) -> listener.failed(failed));
		logger.info("Reload " + current().id() + " rolled back; generation " + this.generation.number() + " (pid "
				+ this.generation.pid() + ") keeps serving");
	}

	private void stop(Process child) {
		if (!child.isAlive()) {
			return;
		}
		child.destroy();
		try {
			if (!child.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Child pid " + child.pid() + " did not stop within " + STOP_GRACE + " of SIGTERM; killing it");
				child.destroyForcibly();
				child.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			child.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private ReloadReport current() {
		synchronized (this.monitor) {
			return this.lastReload;
		}
	}

	private void update(ReloadState state, ReloadReport report) {
		synchronized (this.monitor) {
			this.state = state;
			this.lastReload = report;
		}
	}

	/**
	 * Return a snapshot of the reload state.
	 * @return the status
	 */
	public ReloadStatus status() {
		synchronized (this.monitor) {
			return new ReloadStatus(this.state, this.handoffMode, this.generation.pid(), this.generation.number(),
					this.generation.parentPid(), this.generation.reloadId(), this.counts,
					this.lastReload);
		}
	}

	/**
	 * Return the generation this reloader belongs to.
	 * @return the generation
	 */
	public Generation getGeneration() {
		return this.generation;
	}

	/**
	 * Stop taking work; a running handover is not interrupted.
	 */
	public void shutdown() {
		this.executor.shutdown();
	}

}
