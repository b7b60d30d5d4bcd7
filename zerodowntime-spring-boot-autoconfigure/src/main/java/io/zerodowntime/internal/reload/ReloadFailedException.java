package io.zerodowntime.internal.reload;

/**
 * Thrown inside a reload that has spawned a child when the child cannot take over: it
 * exited, reported unhealthy, or did not report in time. The reload is rolled back.
 *
 * @author zerodowntime
 */
class ReloadFailedException extends RuntimeException {

	private final String reason;

	ReloadFailedException(String reason) {
		super(reason);
		this.reason = reason;
	}

	String reason() {
		return this.reason;
	}

}
