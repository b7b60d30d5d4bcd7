package io.zerodowntime.reload;

/**
 * Whether a supervisor keeps one stable pid for the service across reloads.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public enum SupervisorMode {

	/**
	 * Supervise where something follows the pid that was started: the process is PID 1,
	 * its parent is an init (tini, dumb-init, docker-init, catatonit), it runs under
	 * systemd ({@code NOTIFY_SOCKET} or {@code INVOCATION_ID}), or it was started in a
	 * terminal. The default.
	 */
	AUTO,

	/**
	 * Always supervise.
	 */
	ALWAYS,

	/**
	 * Never supervise: each generation is started by the one before it, and the service's
	 * pid changes with every reload (follow it with the PID file).
	 */
	NEVER

}
