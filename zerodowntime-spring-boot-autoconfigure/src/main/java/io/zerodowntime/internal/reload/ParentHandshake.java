package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.zerodowntime.reload.Generation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The child's end of the control channel: reports to the parent that this generation is
 * healthy, waits for the acknowledgement, opens the listeners, confirms that it serves and
 * reads the parent's {@link HandoverReport}. Until the acknowledgement arrives this
 * generation serves nobody, so a child that the parent rolls back has failed no request.
 *
 * @author zerodowntime
 */
public final class ParentHandshake {

	private static final Log logger = LogFactory.getLog(ParentHandshake.class);

	private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration PARENT_EXIT_GRACE = Duration.ofSeconds(3);

	private static final Duration REPORT_MARGIN = Duration.ofSeconds(5);

	private final Generation generation;

	private final Path controlSocket;

	private final Duration reportTimeout;

	private volatile @Nullable HandoverReport handoverReport;

	/**
	 * Create the handshake of a child with its parent.
	 * @param generation this process's generation, a child
	 * @param parentBackgroundStop how long the parent may take to stop its background work
	 * once this generation serves, before it reports the handover
	 */
	public ParentHandshake(Generation generation, Duration parentBackgroundStop) {
		if (!generation.isChild()) {
			throw new IllegalArgumentException(generation + " has no parent to report to");
		}
		this.generation = generation;
		this.controlSocket = Objects.requireNonNull(generation.controlSocket());
		this.reportTimeout = parentBackgroundStop.plus(REPORT_MARGIN);
	}

	/**
	 * Report readiness and, once the parent acknowledges it, take over. A parent that has
	 * died in the meantime (killed in the middle of the handoff) cannot acknowledge: this
	 * generation then takes over on its own, since nobody else serves.
	 * @param note what the parent should report of this generation's start although it
	 * takes over (a warm-up it did not complete), or {@code null}
	 * @param openListeners opens this generation's listeners; it throws if it cannot
	 * @return whether this generation took over; {@code false} means the parent refused and
	 * this process must stop
	 * @throws IOException if the control channel fails while the parent is alive
	 */
	public boolean reportReady(@Nullable String note, Runnable openListeners) throws IOException {
		ControlConnection connection;
		try {
			connection = ControlConnection.connect(this.controlSocket);
		}
		catch (IOException ex) {
			if (takeOverFromDeadParent(openListeners)) {
				return true;
			}
			throw ex;
		}
		try (connection) {
			connection.writeLine("READY " + this.generation.pid() + " " + this.generation.token()
					+ ((note != null) ? " " + oneLine(note) : ""));
			logger.info("Reported ready to parent pid " + this.generation.parentPid()
					+ "; waiting for its acknowledgement");
			String answer = readAnswer(connection);
			if (!"ACK".equals(answer)) {
				if (takeOverFromDeadParent(openListeners)) {
					return true;
				}
				logger.error("Parent pid " + this.generation.parentPid() + " did not acknowledge readiness (answer: "
						+ answer + "); this generation stops");
				return false;
			}
			try {
				openListeners.run();
			}
			catch (RuntimeException ex) {
				connection.writeLine("FAILED " + oneLine(ex.toString()));
				throw ex;
			}
			if (confirmServing(connection)) {
				this.handoverReport = readHandoverReport(connection);
			}
			return true;
		}
	}

	/**
	 * What the parent reported about the reload that made this generation, once
	 * {@link #reportReady} took over.
	 * @return the report, or {@code null} if the parent sent none (it died, or it is an
	 * older version)
	 */
	public @Nullable HandoverReport handoverReport() {
		return this.handoverReport;
	}

	private @Nullable HandoverReport readHandoverReport(ControlConnection connection) {
		try {
			return HandoverReport.decode(connection.readLine(this.reportTimeout), this.generation.pid());
		}
		catch (IOException ex) {
			return null;
		}
	}

	private @Nullable String readAnswer(ControlConnection connection) {
		try {
			return connection.readLine(ACK_TIMEOUT);
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Tell the parent that this generation serves.
	 * @return whether the parent could be told; {@code false} if it died meanwhile
	 */
	private boolean confirmServing(ControlConnection connection) throws IOException {
		try {
			connection.writeLine("SERVING");
			return true;
		}
		catch (IOException ex) {
			if (!isParentGone()) {
				throw ex;
			}
			logger.warn("Parent pid " + this.generation.parentPid() + " died during the handover; this generation "
					+ "serves on its own");
			return false;
		}
	}

	private boolean takeOverFromDeadParent(Runnable openListeners) {
		if (!awaitParentGone()) {
			return false;
		}
		logger.warn("Parent pid " + this.generation.parentPid() + " is gone; this generation takes over on its own");
		openListeners.run();
		return true;
	}

	/**
	 * A killed parent closes the control connection while it is still exiting: give it a
	 * moment to be gone before concluding that it is alive and refused.
	 */
	private boolean awaitParentGone() {
		long deadline = System.nanoTime() + PARENT_EXIT_GRACE.toNanos();
		while (!isParentGone()) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the parent process no longer runs (a zombie waiting to be reaped counts as
	 * gone).
	 * @return whether the parent is gone
	 */
	boolean isParentGone() {
		Long parent = this.generation.parentPid();
		if (parent == null) {
			return false;
		}
		if (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
			try {
				String stat = Files.readString(Path.of("/proc", parent.toString(), "stat"));
				return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
			}
			catch (IOException | RuntimeException ex) {
				return true;
			}
		}
		return true;
	}

	/**
	 * Tell the parent that this generation started but is not healthy, so that it rolls
	 * back at once instead of waiting for the startup timeout.
	 * @param details the health status and details
	 */
	public void reportUnhealthy(String details) {
		try (ControlConnection connection = ControlConnection.connect(this.controlSocket)) {
			connection.writeLine("UNHEALTHY " + this.generation.pid() + " " + this.generation.token() + " "
					+ oneLine(details));
			connection.readLine(Duration.ofSeconds(5));
		}
		catch (IOException ex) {
			logger.warn("Could not report unhealthy state to parent pid " + this.generation.parentPid() + ": " + ex);
		}
	}

	static String oneLine(String text) {
		String flat = text.replace('\n', ' ').replace('\r', ' ');
		return (flat.length() > 2000) ? flat.substring(0, 2000) + "..." : flat;
	}

}
