package io.zerodowntime.internal.reload;

import io.zerodowntime.reload.ReloadReport;
import org.jspecify.annotations.Nullable;

/**
 * What the parent does once its child serves: stop accepting, drain the open connections
 * and exit. Implemented by the web server integration.
 *
 * @author zerodowntime
 */
@FunctionalInterface
public interface Handover {

	/**
	 * Hand over to the child that now serves. Normally the process exits. If the child
	 * dies while this generation is still draining, this generation accepts again and the
	 * method returns why.
	 * @param report the successful reload
	 * @param child the child that took over
	 * @return {@code null} once this generation has exited (or is exiting), or the reason
	 * it resumed serving
	 */
	@Nullable String handOver(ReloadReport report, Process child);

	/**
	 * Stop accepting new connections, before the reload's success is announced: whoever
	 * waited for it (a supervisor, {@code systemctl reload}) then reaches the new generation.
	 * {@link #handOver} does it too if it was not done.
	 */
	default void stopAccepting() {
	}

}
