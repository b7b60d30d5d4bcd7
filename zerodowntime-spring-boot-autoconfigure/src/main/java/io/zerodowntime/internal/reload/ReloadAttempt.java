package io.zerodowntime.internal.reload;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.zerodowntime.reload.ReloadRefusedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One child of one reload: its private control channel and its process, from the spawn to
 * the moment it serves ({@code READY}, {@code ACK}, {@code SERVING}, then the
 * {@link HandoverReport}), or to its stop when it cannot take over. Closing it removes the
 * control channel; a child that took over keeps running.
 *
 * @author zerodowntime
 */
final class ReloadAttempt implements Closeable {

	private static final Log logger = LogFactory.getLog(ReloadAttempt.class);

	private static final Duration STOP_GRACE = Duration.ofSeconds(10);

	private final String reloadId;

	private final ControlServer control;

	private final Process child;

	private volatile @Nullable String abortReason;

	private ReloadAttempt(String reloadId, ControlServer control, Process child) {
		this.reloadId = reloadId;
		this.control = control;
		this.child = child;
	}

	/**
	 * Open a control channel and start the child. Whatever fails, nothing is left behind:
	 * no control directory, no child.
	 * @param reloadId the reload's id, for the log
	 * @param launcher starts the child
	 * @param command the command line to start
	 * @param environment the child's extra environment, given its control channel
	 * @return the attempt, with its child running
	 * @throws ReloadRefusedException if the channel or the child could not be started
	 */
	static ReloadAttempt spawn(String reloadId, ChildLauncher launcher, ReexecCommand command,
			Function<ControlServer, Map<String, String>> environment) {
		ControlServer control;
		try {
			control = ControlServer.open();
		}
		catch (IOException | RuntimeException ex) {
			throw new ReloadRefusedException("the control channel cannot be created: " + ex);
		}
		Process child = null;
		try {
			child = launcher.launch(command, environment.apply(control));
			control.expect(child.pid());
			return new ReloadAttempt(reloadId, control, child);
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			control.close();
			if (child != null) {
				stop(child);
			}
			throw new ReloadRefusedException("the child could not be started: " + ex);
		}
	}

	long childPid() {
		return this.child.pid();
	}

	Process child() {
		return this.child;
	}

	/**
	 * Wait for the child to report healthy, acknowledge it and wait until it serves. A
	 * child that cannot take over is stopped before this method throws.
	 * @param startupTimeout how long each step may take
	 * @param onReady told when the child has reported healthy, before the acknowledgement,
	 * with the note it sent (a warm-up it did not complete), or an empty one
	 * @param handoverReport what to tell the child once it serves
	 * @return what the child was told
	 * @throws ReloadFailedException with the reason, once the child is stopped
	 */
	HandoverReport awaitTakeover(Duration startupTimeout, Consumer<String> onReady,
			Supplier<HandoverReport> handoverReport) {
		try {
			ControlServer.ChildReport report = this.control.awaitReport(this.child, startupTimeout);
			try (ControlConnection connection = report.connection()) {
				if (!report.ready()) {
					throw new ReloadFailedException("child pid " + childPid() + " is not healthy: " + report.details());
				}
				onReady.accept(report.details());
				connection.writeLine("ACK");
				awaitServing(connection, startupTimeout);
				HandoverReport told = handoverReport.get();
				tell(connection, told);
				return told;
			}
		}
		catch (ReloadFailedException ex) {
			throw rollBack(ex.reason());
		}
		catch (IOException ex) {
			throw rollBack("control channel to child pid " + childPid() + " failed: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw rollBack("the reload was interrupted");
		}
		catch (RuntimeException ex) {
			throw rollBack("unexpected error: " + ex);
		}
	}

	private void awaitServing(ControlConnection connection, Duration timeout) throws IOException {
		String answer;
		try {
			answer = connection.readLine(timeout);
		}
		catch (IOException ex) {
			throw new ReloadFailedException("child pid " + childPid() + " closed the control channel instead of "
					+ "confirming it serves" + exitDescription());
		}
		if (answer == null) {
			throw new ReloadFailedException("child pid " + childPid() + " did not confirm it serves within " + timeout);
		}
		if (!answer.equals("SERVING")) {
			throw new ReloadFailedException(
					"child pid " + childPid() + " could not open its listeners: " + answer.replaceFirst("^FAILED ", ""));
		}
	}

	/**
	 * The child serves whatever happens to this message: it only completes its status.
	 */
	private void tell(ControlConnection connection, HandoverReport report) {
		try {
			connection.writeLine(report.encode());
		}
		catch (IOException ex) {
			logger.warn("Child pid " + childPid() + " serves, but could not be told the reload's outcome: " + ex);
		}
	}

	private String exitDescription() {
		try {
			if (this.child.waitFor(1, TimeUnit.SECONDS)) {
				return " (exit code " + this.child.exitValue() + ")";
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "";
	}

	/**
	 * Stop a child that has not been acknowledged yet, for example because this process
	 * is shutting down; the waiting thread then fails with the reason.
	 * @param reason why
	 */
	void abort(String reason) {
		this.abortReason = reason;
		this.control.close();
		stop(this.child);
	}

	private ReloadFailedException rollBack(String reason) {
		String aborted = this.abortReason;
		String why = (aborted != null) ? aborted : reason;
		logger.error("Reload " + this.reloadId + " failed, rolling back: " + why);
		stop(this.child);
		return new ReloadFailedException(why);
	}

	private static void stop(Process child) {
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

	/**
	 * Remove the control channel. The child is not touched: by now it serves, or it has
	 * been stopped.
	 */
	@Override
	public void close() {
		this.control.close();
	}

}
