package io.zerodowntime.reload;

/**
 * The state of this process's {@link Reloader}.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public enum ReloadState {

	/**
	 * No reload is running; a trigger starts one.
	 */
	IDLE,

	/**
	 * A child has been spawned and this process waits for it to report that it is healthy.
	 */
	STARTING,

	/**
	 * The child is healthy and has been acknowledged; it is opening its listeners.
	 */
	HANDING_OVER,

	/**
	 * The child serves; this process no longer accepts and drains its open connections
	 * before it exits.
	 */
	DRAINING,

	/**
	 * The last reload failed and was rolled back; this process keeps serving. A trigger
	 * starts a new reload.
	 */
	FAILED,

	/**
	 * No reload can start, whatever the moment: the application has not finished starting,
	 * is shutting down, or cannot be replaced (for example PID 1 without a supervisor, or a
	 * launch that cannot be re-executed). {@link ReloadStatus#unavailableReason()} says why.
	 * Only shown: a reloader never moves to or from it.
	 */
	UNAVAILABLE;

	/**
	 * Whether a reload is under way in this state, so that another trigger must be
	 * refused.
	 * @return whether a reload is under way
	 */
	public boolean isBusy() {
		return this == STARTING || this == HANDING_OVER || this == DRAINING;
	}

	/**
	 * Whether a reloader may move from this state to the next one.
	 * @param next the next state
	 * @return whether the transition is legal
	 */
	public boolean canMoveTo(ReloadState next) {
		return switch (this) {
			case IDLE, FAILED -> next == STARTING;
			case STARTING -> next == HANDING_OVER || next == FAILED;
			case HANDING_OVER -> next == DRAINING || next == FAILED;
			// a new generation that dies while this one drains leaves this one serving
			case DRAINING -> next == FAILED;
			case UNAVAILABLE -> false;
		};
	}

}
