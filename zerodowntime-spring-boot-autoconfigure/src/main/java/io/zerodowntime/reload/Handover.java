package io.zerodowntime.reload;

/**
 * What the parent does once its child serves: stop accepting, drain the open connections
 * and exit. Implemented by the web server integration.
 *
 * @author zerodowntime
 */
@FunctionalInterface
public interface Handover {

	/**
	 * Hand over to the child that now serves. Normally does not return: the process exits.
	 * @param report the successful reload
	 */
	void handOver(ReloadReport report);

}
