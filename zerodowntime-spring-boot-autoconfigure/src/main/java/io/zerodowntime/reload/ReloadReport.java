package io.zerodowntime.reload;

import java.time.Duration;
import java.time.Instant;

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
 * @author zerodowntime
 * @since 0.1.0
 */
public record ReloadReport(String id, String trigger, ReloadOutcome outcome, @Nullable Long childPid,
		@Nullable String reason, Instant startedAt, @Nullable Duration childReady, @Nullable Duration duration) {

	/**
	 * Return this report with the spawned child's pid.
	 * @param pid the child's pid
	 * @return the new report
	 */
	public ReloadReport withChild(long pid) {
		return new ReloadReport(this.id, this.trigger, this.outcome, pid, this.reason, this.startedAt,
				this.childReady, this.duration);
	}

	/**
	 * Return this report with the time from the trigger to now as the child's readiness.
	 * @return the new report
	 */
	public ReloadReport withChildReady() {
		return new ReloadReport(this.id, this.trigger, this.outcome, this.childPid, this.reason, this.startedAt,
				Duration.between(this.startedAt, Instant.now()), this.duration);
	}

	/**
	 * Return this report ended now.
	 * @param outcome how it ended
	 * @param reason why it failed, or {@code null}
	 * @return the new report
	 */
	public ReloadReport ended(ReloadOutcome outcome, @Nullable String reason) {
		return new ReloadReport(this.id, this.trigger, outcome, this.childPid, reason, this.startedAt,
				this.childReady, Duration.between(this.startedAt, Instant.now()));
	}

}
