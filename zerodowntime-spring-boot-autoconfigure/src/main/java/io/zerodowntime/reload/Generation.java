package io.zerodowntime.reload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Who this process is in the chain of generations: generation 0 was started by the user;
 * every later one was started by a reload and finds its parent's control channel in its
 * environment. Those variables are inherited by every process the application itself
 * starts, so they are believed only by a process whose real parent is the pid they name.
 *
 * @param number the generation number, 0 for a process started by the user
 * @param pid this process's pid
 * @param parentPid the pid of the generation that started this one, or {@code null} for
 * generation 0
 * @param reloadId the id of the reload that started this process, or {@code null}
 * @param controlSocket the parent's control socket, or {@code null} for generation 0
 * @param token the secret that authenticates this process to its parent, or
 * {@code null} for generation 0
 * @param reloadStartedAt when the reload that started this process was triggered, or
 * {@code null}
 * @param inheritedCounts the parent's reload counts when it started this process
 * @author zerodowntime
 * @since 0.1.0
 */
public record Generation(int number, long pid, @Nullable Long parentPid, @Nullable String reloadId,
		@Nullable Path controlSocket, @Nullable String token, @Nullable Instant reloadStartedAt,
		ReloadCounts inheritedCounts) {

	static final String GENERATION_VARIABLE = "ZERODOWNTIME_GENERATION";

	static final String PARENT_PID_VARIABLE = "ZERODOWNTIME_PARENT_PID";

	static final String RELOAD_ID_VARIABLE = "ZERODOWNTIME_RELOAD_ID";

	static final String CONTROL_SOCKET_VARIABLE = "ZERODOWNTIME_CONTROL_SOCKET";

	static final String TOKEN_VARIABLE = "ZERODOWNTIME_TOKEN";

	static final String RELOAD_STARTED_VARIABLE = "ZERODOWNTIME_RELOAD_STARTED";

	static final String RELOAD_COUNTS_VARIABLE = "ZERODOWNTIME_RELOADS";

	/**
	 * Return the generation of the current process, read from its environment.
	 * @return the current generation
	 */
	public static Generation current() {
		ProcessHandle self = ProcessHandle.current();
		return fromEnvironment(System.getenv(), self.pid(), self.parent().map(ProcessHandle::pid).orElse(null));
	}

	static Generation fromEnvironment(Map<String, String> environment, long pid, @Nullable Long realParentPid) {
		String socket = environment.get(CONTROL_SOCKET_VARIABLE);
		String token = environment.get(TOKEN_VARIABLE);
		if (socket == null || socket.isEmpty() || token == null || token.isEmpty()) {
			return first(pid);
		}
		String parent = environment.get(PARENT_PID_VARIABLE);
		if (parent == null || realParentPid == null || !parent.equals(realParentPid.toString())) {
			LogFactory.getLog(Generation.class)
				.warn("Ignoring the " + CONTROL_SOCKET_VARIABLE + " in the environment: it names parent pid " + parent
						+ ", but this process was started by pid " + realParentPid + " (inherited from an "
						+ "application that starts other processes?); this process is generation 0");
			return first(pid);
		}
		try {
			int number = Integer.parseInt(environment.getOrDefault(GENERATION_VARIABLE, "1"));
			String started = environment.get(RELOAD_STARTED_VARIABLE);
			return new Generation(number, pid, realParentPid, environment.get(RELOAD_ID_VARIABLE), Path.of(socket),
					token, (started != null) ? Instant.ofEpochMilli(Long.parseLong(started)) : null,
					ReloadCounts.decode(environment.get(RELOAD_COUNTS_VARIABLE)));
		}
		catch (RuntimeException ex) {
			LogFactory.getLog(Generation.class)
				.warn("Ignoring a malformed reload environment (" + ex + "); this process is generation 0");
			return first(pid);
		}
	}

	private static Generation first(long pid) {
		return new Generation(0, pid, null, null, null, null, null, ReloadCounts.NONE);
	}

	/**
	 * Whether this process was started by a reload and must report to its parent before it
	 * serves.
	 * @return whether this process is a child awaiting handover
	 */
	public boolean isChild() {
		return this.controlSocket != null;
	}

	/**
	 * Return the environment entries that make a spawned process the next generation.
	 * @param reload the reload
	 * @param socket the control socket the child reports to
	 * @param token the secret the child must present
	 * @param counts this generation's reload counts
	 * @return the environment entries for the child
	 */
	Map<String, String> childEnvironment(ReloadReport reload, Path socket, String token, ReloadCounts counts) {
		return Map.of(GENERATION_VARIABLE, Integer.toString(this.number + 1), PARENT_PID_VARIABLE,
				Long.toString(this.pid), RELOAD_ID_VARIABLE, reload.id(), RELOAD_STARTED_VARIABLE,
				Long.toString(reload.startedAt().toEpochMilli()), RELOAD_COUNTS_VARIABLE, counts.encode(),
				CONTROL_SOCKET_VARIABLE, socket.toString(), TOKEN_VARIABLE, token);
	}

	@Override
	public String toString() {
		return "generation " + this.number + " (pid " + this.pid
				+ ((this.parentPid != null) ? ", parent " + this.parentPid : "") + ")";
	}

}
