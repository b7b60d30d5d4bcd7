package io.zerodowntime.reload;

/**
 * Tells whether this generation is healthy enough to take over from its parent.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
@FunctionalInterface
public interface HealthProbe {

	/**
	 * Check health now.
	 * @return the result
	 */
	Result check();

	/**
	 * The outcome of a check.
	 *
	 * @param status the status code ({@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE}...)
	 * @param details a one-line description for the parent's log and status
	 */
	record Result(String status, String details) {

		/**
		 * Whether the generation may take over.
		 * @return whether the status is {@code UP}
		 */
		public boolean isUp() {
			return "UP".equals(this.status);
		}

		/**
		 * Whether the generation is definitely unhealthy, so waiting longer is pointless.
		 * @return whether the status is {@code DOWN}
		 */
		public boolean isDown() {
			return "DOWN".equals(this.status);
		}

	}

}
