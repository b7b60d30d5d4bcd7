package io.zerodowntime.reload;

/**
 * Thrown when a reload cannot be started at all (this process cannot be re-executed, the
 * new jar is not a Spring Boot jar, the application is not ready yet...). Nothing was
 * spawned and the running generation is untouched.
 *
 * @author zerodowntime
 */
public class ReloadRefusedException extends RuntimeException {

	public ReloadRefusedException(String reason) {
		super(reason);
	}

}
