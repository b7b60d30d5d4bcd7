package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadReport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The environment variables that make a spawned process the next {@link Generation}: the
 * parent writes them, the child reads them. They are inherited by every process the
 * application itself starts, so they are believed only by a process whose real parent is
 * the pid they name.
 *
 * @author zerodowntime
 */
public final class GenerationEnvironment {

	private static final Log logger = LogFactory.getLog(GenerationEnvironment.class);

	static final String GENERATION_VARIABLE = "ZERODOWNTIME_GENERATION";

	static final String PARENT_PID_VARIABLE = "ZERODOWNTIME_PARENT_PID";

	static final String RELOAD_ID_VARIABLE = "ZERODOWNTIME_RELOAD_ID";

	static final String CONTROL_SOCKET_VARIABLE = "ZERODOWNTIME_CONTROL_SOCKET";

	static final String TOKEN_VARIABLE = "ZERODOWNTIME_TOKEN";

	static final String RELOAD_STARTED_VARIABLE = "ZERODOWNTIME_RELOAD_STARTED";

	static final String RELOAD_COUNTS_VARIABLE = "ZERODOWNTIME_RELOADS";

	static final String WARM_UP_REQUESTS_VARIABLE = "ZERODOWNTIME_WARM_UP_REQUESTS";

	private static final ReloadCounts NO_COUNTS = new ReloadCounts(0, 0, 0);

	private GenerationEnvironment() {
	}

	/**
	 * Read the generation of a process from its environment.
	 * @param environment the process's environment
	 * @param pid the process's pid
	 * @param realParentPid the pid of the process that really started it, or {@code null}
	 * @return the generation; generation 0 unless the environment names the real parent
	 */
	public static Generation read(Map<String, String> environment, long pid, @Nullable Long realParentPid) {
		String socket = environment.get(CONTROL_SOCKET_VARIABLE);
		String token = environment.get(TOKEN_VARIABLE);
		if (socket == null || socket.isEmpty() || token == null || token.isEmpty()) {
			return first(pid);
		}
		String parent = environment.get(PARENT_PID_VARIABLE);
		if (parent == null || realParentPid == null || !parent.equals(realParentPid.toString())) {
			logger.warn("Ignoring the " + CONTROL_SOCKET_VARIABLE + " in the environment: it names parent pid "
					+ parent + ", but this process was started by pid " + realParentPid + " (inherited from an "
					+ "application that starts other processes?); this process is generation 0");
			return first(pid);
		}
		try {
			int number = Integer.parseInt(environment.getOrDefault(GENERATION_VARIABLE, "1"));
			String started = environment.get(RELOAD_STARTED_VARIABLE);
			return new Generation(number, pid, realParentPid, environment.get(RELOAD_ID_VARIABLE), Path.of(socket),
					token, (started != null) ? Instant.ofEpochMilli(Long.parseLong(started)) : null,
					decodeCounts(environment.get(RELOAD_COUNTS_VARIABLE)));
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring a malformed reload environment (" + ex + "); this process is generation 0");
			return first(pid);
		}
	}

	/**
	 * Return the environment entries that make a process spawned by {@code parent} its
	 * next generation.
	 * @param parent the generation that spawns the child
	 * @param reload the reload
	 * @param socket the control socket the child reports to
	 * @param token the secret the child must present
	 * @param counts the parent's reload counts
	 * @return the environment entries for the child
	 */
	static Map<String, String> forChild(Generation parent, ReloadReport reload, Path socket, String token,
			ReloadCounts counts) {
		return Map.of(GENERATION_VARIABLE, Integer.toString(parent.number() + 1), PARENT_PID_VARIABLE,
				Long.toString(parent.pid()), RELOAD_ID_VARIABLE, reload.id(), RELOAD_STARTED_VARIABLE,
				Long.toString(reload.startedAt().toEpochMilli()), RELOAD_COUNTS_VARIABLE,
				counts.succeeded() + "," + counts.failed() + "," + counts.rejected(), CONTROL_SOCKET_VARIABLE,
				socket.toString(), TOKEN_VARIABLE, token);
	}

	/**
	 * Read the requests the parent handed over for this generation's warm-up: the recent
	 * requests it served (see {@code RecentRequests}), one path and query per line, in a
	 * file of its private control directory.
	 * @param environment this process's environment
	 * @return the requests, none if the parent handed over none or they cannot be read
	 */
	public static List<String> replayedRequests(Map<String, String> environment) {
		String file = environment.get(WARM_UP_REQUESTS_VARIABLE);
		if (file == null) {
			return List.of();
		}
		try {
			return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)
				.stream()
				.filter((line) -> line.startsWith("/"))
				.toList();
		}
		catch (IOException ex) {
			logger.warn("Cannot read the requests the parent handed over for the warm-up (" + ex + ")");
			return List.of();
		}
	}

	static ReloadCounts decodeCounts(@Nullable String encoded) {
		if (encoded == null) {
			return NO_COUNTS;
		}
		try {
			String[] parts = encoded.split(",");
			return new ReloadCounts(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
		}
		catch (RuntimeException ex) {
			return NO_COUNTS;
		}
	}

	private static Generation first(long pid) {
		return new Generation(0, pid, null, null, null, null, null, NO_COUNTS);
	}

}
