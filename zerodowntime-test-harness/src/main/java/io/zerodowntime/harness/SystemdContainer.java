package io.zerodowntime.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real systemd booted as PID 1 of a container (this machine's own root, read-only under
 * a tmpfs overlay, private pid and network namespaces), through the project's
 * {@code systemd-container.sh}. The work directory is bound into the container at the
 * same path. Closing shuts the container down and removes its cgroups.
 */
public final class SystemdContainer implements AutoCloseable {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

	private final Path script;

	private final Path work;

	private final String name;

	private SystemdContainer(Path script, Path work, String name) {
		this.script = script;
		this.work = work;
		this.name = name;
	}

	/**
	 * Boot a container; returns once systemd runs in it.
	 */
	public static SystemdContainer boot(Path work, String name) throws IOException, InterruptedException {
		Path script = work.resolve("systemd-container.sh");
		try (InputStream in = SystemdContainer.class.getResourceAsStream("systemd-container.sh")) {
			if (in == null) {
				throw new IllegalStateException("systemd-container.sh is not on the class path");
			}
			Files.copy(in, script);
		}
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		SystemdContainer container = new SystemdContainer(script, work, name);
		Result up = container.run(List.of("up"));
		if (up.exitCode() != 0) {
			container.close();
			throw new IllegalStateException("systemd did not boot: " + up.output());
		}
		return container;
	}

	/**
	 * The pid, on this host, of the container's systemd.
	 */
	public long leaderPid() throws IOException, InterruptedException {
		return Long.parseLong(run(List.of("leader")).output().trim());
	}

	/**
	 * Run a command inside the container.
	 */
	public Result exec(String... command) throws IOException, InterruptedException {
		List<String> arguments = new ArrayList<>(List.of("exec"));
		arguments.addAll(List.of(command));
		return run(arguments);
	}

	/**
	 * The given properties of a unit ({@code systemctl show -p}).
	 */
	public Map<String, String> show(String unit, String... properties) throws IOException, InterruptedException {
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : exec("systemctl", "show", "-p", String.join(",", properties), unit).output().split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0) {
				values.put(line.substring(0, equals), line.substring(equals + 1).trim());
			}
		}
		return values;
	}

	private Result run(List<String> arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(this.script.toString()));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("WORK", this.work.toString());
		builder.environment().put("NAME", this.name);
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException(String.join(" ", command) + " did not end within " + COMMAND_TIMEOUT);
		}
		return new Result(process.exitValue(), output);
	}

	@Override
	public void close() throws IOException, InterruptedException {
		run(List.of("down"));
	}

	/**
	 * What a command did.
	 */
	public record Result(int exitCode, String output) {

	}

}
