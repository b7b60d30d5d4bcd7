package io.zerodowntime.reload;

/**
 * What to do when the machine seems short of memory for a second copy of the
 * application during a reload.
 *
 * @author zerodowntime
 */
public enum MemoryCheck {

	/**
	 * Log a warning and reload anyway.
	 */
	WARN,

	/**
	 * Refuse the reload.
	 */
	REFUSE,

	/**
	 * Do not check.
	 */
	OFF

}
