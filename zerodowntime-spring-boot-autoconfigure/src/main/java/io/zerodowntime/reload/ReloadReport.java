package io.zerodowntime.reload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What happened in one reload.
 *
 * @param id the reload's id
 * @param trigger what triggered it ({@code signal}, {@code endpoint}...)
 * @param outcome how it ended, or {@link ReloadOutcome#IN_PROGRESS}
 * @param childPid the spawned child's pid, or {@code null} if none was spawned
 * @param reason why it failed, or {@code null}
 * @param startedAt when it was triggered
 * @param childReady time from the trigger to the child's readiness report, or
 * {@code null}
 * @param duration time from the trigger to the child serving (or to the rollback), or
 * {@code null} while in progress
 * @param notes what the reload noticed that did not stop it: a class data archive the new
 * generation starts without, a warm-up that did not complete
 * @author zerodowntime
 * @since 0.1.0
 */
public record ReloadReport(String id, String trigger, ReloadOutcome outcome, @Nullable Long childPid,
		@Nullable String reason, Instant startedAt, @Nullable Duration childReady, @Nullable Duration duration,
		List<String> notes) {

	public ReloadReport {
		notes = List.copyOf(notes);
	}

	/**
	 * A report without notes.
	 * @param id the reload's id
	 * @param trigger what triggered it
	 * @param outcome how it ended, or {@link ReloadOutcome#IN_PROGRESS}
	 * @param childPid the spawned child's pid, or {@code null}
	 * @param reason why it failed, or {@code null}
	 * @param startedAt when it was triggered
	 * @param childReady time from the trigger to the child's readiness report, or
	 * {@code null}
	 * @param duration time from the trigger to the end, or {@code null}
	 */
	public ReloadReport(String id, String trigger, ReloadOutcome outcome, @Nullable Long childPid,
			@Nullable String reason, Instant startedAt, @Nullable Duration childReady, @Nullable Duration duration) {
		this(id, trigger, outcome, childPid, reason, startedAt, childReady, duration, List.of());
	}

	/**
	 * Return this report with the spawned child's pid.
	 * @param pid the child's pid
	 * @return the new report
	 */
	public ReloadReport withChild(long pid) {
		return new ReloadReport(this.id, this.trigger, this.outcome, pid, this.reason, this.startedAt,
				this.childReady, this.duration, this.notes);
	}

	/**
	 * Return this report with the time from the trigger to now as the child's readiness.
	 * @return the new report
	 */
	public ReloadReport withChildReady() {
		return new ReloadReport(this.id, this.trigger, this.outcome, this.childPid, this.reason, this.startedAt,
				Duration.between(this.startedAt, Instant.now()), this.duration, this.notes);
	}

	/**
	 * Return this report ended now.
	 * @param outcome how it ended
	 * @param reason why it failed, or {@code null}
	 * @return the new report
	 */
	public ReloadReport ended(ReloadOutcome outcome, @Nullable String reason) {
		return new ReloadReport(this.id, this.trigger, outcome, this.childPid, reason, this.startedAt,
				this.childReady, Duration.between(this.startedAt, Instant.now()), this.notes);
	}

	/**
	 * Return this report with more notes.
	 * @param more the notes to add after this report's
	 * @return the new report
	 */
	public ReloadReport withNotes(List<String> more) {
		if (more.isEmpty()) {
			return this;
		}
		List<String> notes = new ArrayList<>(this.notes);
		notes.addAll(more);
		return new ReloadReport(this.id, this.trigger, this.outcome, this.childPid, this.reason, this.startedAt,
				this.childReady, this.duration, notes);
	}

}
