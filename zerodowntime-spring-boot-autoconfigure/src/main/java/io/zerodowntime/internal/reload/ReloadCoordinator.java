package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.PreflightCheck;
import io.zerodowntime.reload.ReloadConflictException;
import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ReloadOutcome;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.reload.ReloadReport;
import io.zerodowntime.reload.ReloadState;
import io.zerodowntime.reload.ReloadStatus;
import io.zerodowntime.reload.ReloadTicket;
import io.zerodowntime.reload.Reloader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs reloads, one at a time: admits a trigger, runs the pre-flight checks, lets a
 * {@link ReloadAttempt} spawn the next generation and wait until it serves, then hands
 * over. A child that exits, reports unhealthy or stays silent past the startup timeout is
 * stopped and this generation keeps serving. Keeps the state, the counts and the
 * listeners; every state change goes through {@link #moveTo}.
 *
 * <pre>
 * IDLE ─trigger→ STARTING ─child ready→ HANDING_OVER ─child serves→ DRAINING → exit
 *                    └──────────── child failed ─────────┴──────────────┴→ FAILED ─trigger→ STARTING
 * </pre>
 *
 * @author zerodowntime
 */
public class ReloadCoordinator implements Reloader {

	// logs under the public name, the category users configure
	private static final Log logger = LogFactory.getLog(Reloader.class);

	private final Generation generation;

	private final HandoffMode handoffMode;

	private final Duration startupTimeout;

	private final ChildLauncher launcher;

	private final Handover handover;

	private final List<PreflightCheck> preflightChecks;

	private volatile Supplier<List<String>> warmUpRequests = List::of;

	private final BackgroundWork backgroundWork;

	private final Duration backgroundStopTimeout;

	private final ReloadListeners listeners = new ReloadListeners();

	private final Object monitor = new Object();

	private ReloadCounts counts;

	private ReloadState state = ReloadState.IDLE;

	private @Nullable ReloadReport lastReload;

	private @Nullable ReloadAttempt attempt;

	private @Nullable ReexecCommand command;

	private @Nullable String mainClassName;

	private @Nullable String notReadyReason = "the application has not finished starting";

	private boolean shutDown;

	/**
	 * Create a new instance.
	 * @param generation this process's generation
	 * @param handoffMode how listeners are shared
	 * @param startupTimeout how long a child may take to become healthy
	 * @param launcher starts the child
	 * @param handover hands over to a child that serves
	 * @param preflightChecks checks that must pass before a child is spawned
	 * @param backgroundWork this generation's background work, stopped before the child
	 * is told that it serves
	 * @param backgroundStopTimeout how long to wait for background work in progress
	 */
	public ReloadCoordinator(Generation generation, HandoffMode handoffMode, Duration startupTimeout, ChildLauncher launcher,
			Handover handover, List<PreflightCheck> preflightChecks, BackgroundWork backgroundWork,
			Duration backgroundStopTimeout) {
		this.generation = generation;
		this.handoffMode = handoffMode;
		this.startupTimeout = startupTimeout;
		this.launcher = launcher;
		this.handover = handover;
		this.preflightChecks = List.copyOf(preflightChecks);
		this.backgroundWork = backgroundWork;
		this.backgroundStopTimeout = backgroundStopTimeout;
		// a generation started by a reload exists (and counts) only if that reload succeeds
		this.counts = generation.isChild() ? generation.inheritedCounts().withSucceeded()
				: generation.inheritedCounts();
	}

	/**
	 * Add a listener. A listener added twice is told once.
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
					+ "when it hands over and exits; set zerodowntime.supervisor=auto (the default) or always to keep "
					+ "a supervisor as PID 1");
			return;
		}
		synchronized (this.monitor) {
			this.command = command;
			this.mainClassName = mainClassName;
			this.notReadyReason = null;
		}
		logger.debug("Reloads will run: " + command);
		this.listeners.tell("serving", (listener) -> listener.serving(this.generation));
	}

	/**
	 * This generation took over from its parent: show the reload that made it and the
	 * counts the parent had then, so that the status does not lose them with the parent.
	 * @param report what the parent reported, or {@code null} if it reported nothing (it
	 * died, or it is an older version): the reload is then known only from this process's
	 * environment, and the counts stay those the parent had when it started this process
	 */
	public void tookOver(@Nullable HandoverReport report) {
		ReloadReport made;
		if (report != null) {
			made = report.reload();
		}
		else {
			Instant startedAt = this.generation.reloadStartedAt();
			made = new ReloadReport(String.valueOf(this.generation.reloadId()), "unknown", ReloadOutcome.SUCCEEDED,
					this.generation.pid(), null, (startedAt != null) ? startedAt : Instant.now(), null, null)
				.ended(ReloadOutcome.SUCCEEDED, null);
		}
		synchronized (this.monitor) {
			if (report != null) {
				this.counts = report.counts().withSucceeded();
			}
			this.lastReload = made;
		}
	}

	private void unavailable(String reason) {
		synchronized (this.monitor) {
			this.notReadyReason = reason;
		}
		logger.warn("Zero-downtime reloads are unavailable: " + reason);
		this.listeners.tell("serving", (listener) -> listener.serving(this.generation));
	}

	/**
	 * Start a reload. The pre-flight checks and the spawn run on the caller's thread, but
	 * outside the lock that {@link #status()} takes.
	 * @param trigger what triggered it, for the log and the status
	 * @return the reload's id and the spawned child's pid
	 * @throws ReloadConflictException if a reload is already under way
	 * @throws ReloadRefusedException if the reload cannot start; nothing was spawned
	 */
	@Override
	public ReloadTicket trigger(String trigger) {
		ReloadReport report;
		ReexecCommand reexec;
		try {
			synchronized (this.monitor) {
				reexec = admit();
				report = new ReloadReport(UUID.randomUUID().toString().substring(0, 8), trigger,
						ReloadOutcome.IN_PROGRESS, null, null, Instant.now(), null, null);
				moveTo(ReloadState.STARTING, report);
			}
		}
		catch (ReloadConflictException | ReloadRefusedException ex) {
			countRejected(trigger, ex.getMessage());
			throw ex;
		}
		ReloadAttempt attempt;
		List<String> notes;
		try {
			notes = runPreflightChecks(reexec);
			attempt = ReloadAttempt.spawn(report.id(), this.launcher, reexec, (control) -> childEnvironment(control, report));
		}
		catch (ReloadRefusedException ex) {
			throw refuse(report, ex.getReason());
		}
		catch (RuntimeException | LinkageError ex) {
			throw refuse(report, "unexpected error before the child started: " + ex);
		}
		ReloadReport started = report.withChild(attempt.childPid()).withNotes(notes);
		synchronized (this.monitor) {
			this.lastReload = started;
			this.attempt = attempt;
		}
		logger.info("Reload " + report.id() + " (" + trigger + "): started child pid " + attempt.childPid()
				+ " as generation " + (this.generation.number() + 1) + "; waiting up to " + this.startupTimeout
				+ " for it to become healthy");
		// before the reload thread runs, so that listeners see started before the end
		this.listeners.tell("started", (listener) -> listener.started(started));
		try {
			Thread thread = new Thread(() -> run(attempt), "zerodowntime-reload");
			thread.setDaemon(true);
			thread.start();
		}
		catch (RuntimeException | OutOfMemoryError ex) {
			// no thread to watch the child: it must not outlive this call
			attempt.abort("the reload thread could not be started: " + ex);
			attempt.close();
			fail("the reload thread could not be started: " + ex, "rolled back");
			throw new ReloadRefusedException("the reload thread could not be started: " + ex);
		}
		return new ReloadTicket(report.id(), attempt.childPid());
	}

	/**
	 * Check, under the lock, that a reload may start now.
	 * @return the command line to re-execute
	 */
	private ReexecCommand admit() {
		if (this.state.isBusy()) {
			throw new ReloadConflictException(this.state, conflictMessage());
		}
		String unavailable = unavailableReason();
		ReexecCommand reexec = this.command;
		if (unavailable != null || reexec == null) {
			throw new ReloadRefusedException((unavailable != null) ? unavailable : "no command line to re-execute");
		}
		return reexec;
	}

	private Map<String, String> childEnvironment(ControlServer control, ReloadReport report) {
		Map<String, String> environment = new HashMap<>(GenerationEnvironment.forChild(this.generation, report,
				control.getSocket(), control.getToken(), currentCounts()));
		List<String> requests = this.warmUpRequests.get();
		if (!requests.isEmpty()) {
			try {
				Path file = control.writePrivateFile("warm-up-requests", requests);
				environment.put(GenerationEnvironment.WARM_UP_REQUESTS_VARIABLE, file.toString());
			}
			catch (IOException ex) {
				// a colder start, not a reason to refuse the reload
				logger.warn("Cannot hand over recent requests for the warm-up (" + ex + ")");
			}
		}
		return environment;
	}

	/**
	 * Hand recent requests to each child, for its warm-up to replay.
	 * @param warmUpRequests the requests, path and query, taken at each spawn
	 */
	public void setWarmUpRequests(Supplier<List<String>> warmUpRequests) {
		this.warmUpRequests = warmUpRequests;
	}

	private List<String> runPreflightChecks(ReexecCommand reexec) {
		try {
			List<String> notes = reexec.preflight(this.mainClassName);
			this.preflightChecks.forEach(PreflightCheck::check);
			return notes;
		}
		catch (ReloadRefusedException ex) {
			throw new ReloadRefusedException("pre-flight check failed: " + ex.getReason());
		}
		catch (RuntimeException ex) {
			throw new ReloadRefusedException("pre-flight check failed: " + ex);
		}
	}

	private void countRejected(String trigger, @Nullable String reason) {
		synchronized (this.monitor) {
			this.counts = this.counts.withRejected();
		}
		this.listeners.tell("rejected", (listener) -> listener.rejected(trigger, String.valueOf(reason)));
	}

	/**
	 * Record a reload that could not start (nothing was spawned, or what was is stopped)
	 * and return the exception that tells the caller why.
	 */
	private ReloadRefusedException refuse(ReloadReport report, String reason) {
		synchronized (this.monitor) {
			moveTo(ReloadState.FAILED, report.ended(ReloadOutcome.FAILED, reason));
		}
		logger.error("Reload " + report.id() + " (" + report.trigger() + ") refused, no child started: " + reason
				+ "; generation " + this.generation.number() + " keeps serving");
		countRejected(report.trigger(), reason);
		return new ReloadRefusedException(reason);
	}

	private String conflictMessage() {
		ReloadReport current = this.lastReload;
		String child = (current != null && current.childPid() != null) ? " (child pid " + current.childPid() + ")"
				: "";
		if (this.state == ReloadState.DRAINING) {
			return "this generation has handed over" + child + " and is draining; trigger the new generation instead";
		}
		return "a reload is already " + this.state.name().toLowerCase(Locale.ROOT).replace('_', ' ') + child;
	}

	private void run(ReloadAttempt attempt) {
		ReloadReport succeeded;
		// the control channel is closed (and its directory removed) before the handover,
		// which normally ends this process
		try (attempt) {
			succeeded = attempt.awaitTakeover(this.startupTimeout, this::childReady, this::childServes).reload();
			synchronized (this.monitor) {
				moveTo(ReloadState.DRAINING, succeeded);
				this.counts = this.counts.withSucceeded();
				this.attempt = null;
			}
		}
		catch (ReloadFailedException ex) {
			fail(ex.reason(), "rolled back");
			return;
		}
		catch (RuntimeException ex) {
			fail("unexpected error in the reload: " + ex, "rolled back");
			return;
		}
		logger.info("Reload " + succeeded.id() + " succeeded in " + succeeded.duration() + ": child pid "
				+ attempt.childPid() + " serves as generation " + (this.generation.number() + 1));
		stopAccepting(attempt.child());
		this.listeners.tell("succeeded", (listener) -> listener.succeeded(succeeded));
		handOver(succeeded, attempt.child());
	}

	// the child's note: a warm-up it did not complete, or empty
	private void childReady(String note) {
		ReloadReport ready = current().withChildReady().withNotes(note.isEmpty() ? List.of() : List.of(note));
		synchronized (this.monitor) {
			moveTo(ReloadState.HANDING_OVER, ready);
		}
		logger.info("Reload " + ready.id() + ": child pid " + ready.childPid() + " is healthy after "
				+ ready.childReady() + "; handing over");
	}

	/**
	 * The child serves: the reload ends now. Stop this generation's background work before
	 * the child hears so (it starts its own then), and tell it how the reload went.
	 */
	private HandoverReport childServes() {
		HandoverReport report = new HandoverReport(current().ended(ReloadOutcome.SUCCEEDED, null), currentCounts());
		this.backgroundWork.stop(this.backgroundStopTimeout);
		return report;
	}

	private void stopAccepting(Process child) {
		try {
			this.handover.stopAccepting();
		}
		catch (RuntimeException ex) {
			// the handover stops accepting again, and resumes if it must
			logger.warn("Could not stop accepting before handing over to child pid " + child.pid(), ex);
		}
	}

	private void handOver(ReloadReport succeeded, Process child) {
		String resumed;
		try {
			resumed = this.handover.handOver(succeeded, child);
		}
		catch (RuntimeException ex) {
			logger.error("Handover to child pid " + child.pid() + " failed", ex);
			resumed = "the handover to child pid " + child.pid() + " failed: " + ex;
		}
		if (resumed != null) {
			this.backgroundWork.start();
			// the success counted at the handover stands: the child did take over
			fail(resumed, "resumed serving");
		}
	}

	private void fail(String reason, String what) {
		ReloadReport failed = current().ended(ReloadOutcome.FAILED, reason);
		synchronized (this.monitor) {
			moveTo(ReloadState.FAILED, failed);
			this.counts = this.counts.withFailed();
			this.attempt = null;
		}
		this.listeners.tell("failed", (listener) -> listener.failed(failed));
		logger.info("Reload " + failed.id() + " " + what + "; generation " + this.generation.number() + " (pid "
				+ this.generation.pid() + ") keeps serving");
	}

	/**
	 * The one place where the state changes. Called with the lock held.
	 */
	private void moveTo(ReloadState next, ReloadReport report) {
		if (!this.state.canMoveTo(next)) {
			throw new IllegalStateException("Illegal reload state change " + this.state + " -> " + next);
		}
		this.state = next;
		this.lastReload = report;
	}

	private ReloadReport current() {
		synchronized (this.monitor) {
			ReloadReport report = this.lastReload;
			if (report == null) {
				throw new IllegalStateException("No reload is under way");
			}
			return report;
		}
	}

	private ReloadCounts currentCounts() {
		synchronized (this.monitor) {
			return this.counts;
		}
	}

	/**
	 * Return a snapshot of the reload state.
	 * @return the status
	 */
	@Override
	public ReloadStatus status() {
		synchronized (this.monitor) {
			String unavailable = unavailableReason();
			return new ReloadStatus((unavailable != null) ? ReloadState.UNAVAILABLE : this.state, unavailable,
					this.handoffMode, this.generation.pid(), this.generation.number(), this.generation.parentPid(),
					this.generation.reloadId(), this.counts, this.lastReload);
		}
	}

	/**
	 * Why a trigger would be refused whatever the moment, if it would. Called with the
	 * lock held; a reload under way shows its own state instead.
	 */
	private @Nullable String unavailableReason() {
		if (this.state.isBusy()) {
			return null;
		}
		if (this.shutDown) {
			return "the application is shutting down";
		}
		if (this.notReadyReason != null) {
			return this.notReadyReason;
		}
		return (this.command != null) ? null : "no command line to re-execute";
	}

	/**
	 * Return the generation this reloader belongs to.
	 * @return the generation
	 */
	@Override
	public Generation getGeneration() {
		return this.generation;
	}

	/**
	 * Refuse further reloads: the application is shutting down. A child that has not
	 * been acknowledged yet is stopped (it must not outlive the service it was to
	 * replace); a handover under way is not interrupted.
	 */
	public void shutdown() {
		ReloadAttempt starting;
		synchronized (this.monitor) {
			this.shutDown = true;
			starting = (this.state == ReloadState.STARTING) ? this.attempt : null;
		}
		if (starting != null) {
			starting.abort("the application is shutting down; child pid " + starting.childPid() + " is stopped");
		}
	}

}
