package io.zerodowntime.internal.reload;

import java.time.Duration;

/**
 * Work a generation does outside requests (scheduled tasks, message listeners) that must
 * run in one generation at a time: the parent stops it before the child starts it. Neither
 * method throws: a part that fails is logged, so that it never changes a reload's course.
 *
 * @author zerodowntime
 */
public interface BackgroundWork {

	/**
	 * Nothing to start or stop.
	 */
	BackgroundWork NONE = new BackgroundWork() {

		@Override
		public void start() {
		}

		@Override
		public boolean stop(Duration timeout) {
			return true;
		}

	};

	/**
	 * Start the work, or resume it after {@link #stop}.
	 */
	void start();

	/**
	 * Stop the work: nothing new starts, and a run in progress may finish.
	 * @param timeout how long to wait for runs in progress
	 * @return whether every run in progress finished in time
	 */
	boolean stop(Duration timeout);

}
