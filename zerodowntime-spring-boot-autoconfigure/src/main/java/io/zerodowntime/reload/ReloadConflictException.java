package io.zerodowntime.reload;

/**
 * Thrown when a reload is triggered while another one is under way. Only one child is
 * ever started at a time.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public class ReloadConflictException extends RuntimeException {

	private final ReloadState state;

	public ReloadConflictException(ReloadState state, String message) {
		super(message);
		this.state = state;
	}

	/**
	 * Return the state the reloader was in when the trigger was refused.
	 * @return the state
	 */
	public ReloadState getState() {
		return this.state;
	}

}
