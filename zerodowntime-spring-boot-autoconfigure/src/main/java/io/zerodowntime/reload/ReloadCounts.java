package io.zerodowntime.reload;

/**
 * How many reloads the service has seen since generation 0 started, by outcome. Each
 * generation starts from its parent's counts (passed in its environment) plus the reload
 * that made it, so the counts only grow along the chain of generations.
 *
 * @param succeeded reloads whose child took over
 * @param failed reloads whose child was stopped (or died while the old generation
 * drained)
 * @param rejected triggers refused without starting a child (a reload already running,
 * or one that could not start)
 * @author zerodowntime
 * @since 0.1.0
 */
public record ReloadCounts(long succeeded, long failed, long rejected) {

	/**
	 * No reloads at all.
	 */
	public static final ReloadCounts NONE = new ReloadCounts(0, 0, 0);

	/**
	 * Return these counts with one more succeeded reload.
	 * @return the new counts
	 */
	public ReloadCounts withSucceeded() {
		return new ReloadCounts(this.succeeded + 1, this.failed, this.rejected);
	}

	/**
	 * Return these counts with one more failed reload.
	 * @return the new counts
	 */
	public ReloadCounts withFailed() {
		return new ReloadCounts(this.succeeded, this.failed + 1, this.rejected);
	}

	/**
	 * Return these counts with one more rejected trigger.
	 * @return the new counts
	 */
	public ReloadCounts withRejected() {
		return new ReloadCounts(this.succeeded, this.failed, this.rejected + 1);
	}

}
