package io.zerodowntime.reload;

/**
 * How a reload ended.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public enum ReloadOutcome {

	/**
	 * The reload is still running.
	 */
	IN_PROGRESS,

	/**
	 * The child took over; this generation drains and exits.
	 */
	SUCCEEDED,

	/**
	 * The child was stopped and this generation keeps serving.
	 */
	FAILED

}
