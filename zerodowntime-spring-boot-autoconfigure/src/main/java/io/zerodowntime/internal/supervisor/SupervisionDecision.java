package io.zerodowntime.internal.supervisor;

import java.util.Map;
import java.util.Set;

import io.zerodowntime.reload.SupervisorMode;
import org.jspecify.annotations.Nullable;

/**
 * Whether a process should run under a supervisor, and why. In {@link SupervisorMode#AUTO}
 * it does wherever something follows the pid that was started and the plain model (each
 * generation replaced by the next, a new pid each time) breaks it.
 *
 * @param supervise whether to start a supervisor
 * @param reason why, for the log
 * @author zerodowntime
 */
record SupervisionDecision(boolean supervise, String reason) {

	/**
	 * Init processes of containers that exit, taking the container with them, when their
	 * one child exits.
	 */
	static final Set<String> CONTAINER_INITS = Set.of("tini", "dumb-init", "docker-init", "catatonit");

	/**
	 * Decide.
	 * @param mode the configured mode
	 * @param pid this process's pid
	 * @param parentCommand the parent's command name ({@code /proc/PID/comm}), or
	 * {@code null} if unknown
	 * @param environment this process's environment
	 * @param terminal whether standard input is a terminal
	 * @return the decision
	 */
	static SupervisionDecision decide(SupervisorMode mode, long pid, @Nullable String parentCommand,
			Map<String, String> environment, boolean terminal) {
		return switch (mode) {
			case NEVER -> new SupervisionDecision(false, "zerodowntime.supervisor=never");
			case ALWAYS -> new SupervisionDecision(true, "zerodowntime.supervisor=always");
			case AUTO -> decideAutomatically(pid, parentCommand, environment, terminal);
		};
	}

	private static SupervisionDecision decideAutomatically(long pid, @Nullable String parentCommand,
			Map<String, String> environment, boolean terminal) {
		if (pid == 1) {
			return new SupervisionDecision(true, "this process is PID 1 of its container");
		}
		if (parentCommand != null && CONTAINER_INITS.contains(parentCommand)) {
			return new SupervisionDecision(true, "its parent is the container init " + parentCommand);
		}
		if (environment.containsKey("NOTIFY_SOCKET") || environment.containsKey("INVOCATION_ID")) {
			return new SupervisionDecision(true, "it runs as a systemd service");
		}
		if (terminal) {
			return new SupervisionDecision(true, "it runs in a terminal");
		}
		return new SupervisionDecision(false,
				"nothing is known to follow its pid (set zerodowntime.supervisor=always to supervise anyway)");
	}

}
