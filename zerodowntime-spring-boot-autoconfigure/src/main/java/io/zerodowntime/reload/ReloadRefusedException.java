package io.zerodowntime.reload;

/**
 * Thrown when a reload cannot be started at all (this process cannot be re-executed, the
 * new jar is not a Spring Boot jar, the application is not ready yet...). Nothing was
 * spawned and the running generation is untouched.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public class ReloadRefusedException extends RuntimeException {

	private final String reason;

	/**
	 * Create a new instance.
	 * @param reason why the reload cannot start
	 */
	public ReloadRefusedException(String reason) {
		super(reason);
		this.reason = reason;
	}

	/**
	 * Return why the reload cannot start.
	 * @return the reason
	 * @since 0.1.0
	 */
	public String getReason() {
		return this.reason;
	}

}
