package io.zerodowntime.reload;

/**
 * Told what a {@link Reloader} does, for metrics and for service managers. Called on the
 * thread that did it; an implementation must be quick and must not throw.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public interface ReloadListener {

	/**
	 * This generation serves: generation 0 has started, or a later one has taken over.
	 * Called whether or not reloads are available in this process.
	 * @param generation this generation
	 */
	default void serving(Generation generation) {
	}

	/**
	 * A reload has started its child.
	 * @param report the reload, with the child's pid
	 */
	default void started(ReloadReport report) {
	}

	/**
	 * A trigger was refused (a reload is already running, or a reload cannot work now);
	 * no child was started.
	 * @param trigger what triggered it
	 * @param reason why it was refused
	 */
	default void rejected(String trigger, String reason) {
	}

	/**
	 * A reload's child was stopped, or the new generation died while this one drained;
	 * this generation keeps serving.
	 * @param report the failed reload, with its reason
	 */
	default void failed(ReloadReport report) {
	}

	/**
	 * The child serves; this generation hands over and drains.
	 * @param report the successful reload
	 */
	default void succeeded(ReloadReport report) {
	}

}
