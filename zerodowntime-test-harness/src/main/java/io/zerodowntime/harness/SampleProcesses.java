package io.zerodowntime.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import jnr.posix.POSIXFactory;

/**
 * Starts the packaged sample jar (a private copy of it, so that a test can rename another
 * file over it) and cleans up every generation it led to. Each process carries a marker
 * system property that reloads pass on (they re-execute the same command line), so that
 * {@link #close()} finds every generation by scanning {@code /proc}, orphans included,
 * and kills it by pid.
 */
public final class SampleProcesses implements AutoCloseable {

	public static final Duration STARTUP = Duration.ofSeconds(120);

	/**
	 * The JVM options of every sample: a small heap, and C1 only (the samples start faster
	 * and leave the two cores to each other), unless {@code -Dsample.jvm.options} says
	 * otherwise (say, {@code -Xmx256m} for the JIT a production service has).
	 */
	private static final String DEFAULT_JVM_OPTIONS = System.getProperty("sample.jvm.options",
			"-Xmx256m -XX:TieredStopAtLevel=1").trim();

	/**
	 * The main class of a supervisor, named on its command line.
	 */
	private static final String SUPERVISOR_MAIN = "io.zerodowntime.internal.supervisor.SupervisorMain";

	private final String marker = "zdt-" + UUID.randomUUID();

	private final Path directory;

	private Path jar;

	private final Path log;

	private final TestNetwork network;

	private final List<Process> started = new ArrayList<>();

	private List<String> launchPrefix = List.of();

	private List<String> jvmOptions = List.of();

	private Map<String, String> environment = Map.of();

	private String supervisor = System.getProperty("it.supervisor", "never");

	public SampleProcesses(Path directory, TestNetwork network) throws IOException {
		this.directory = directory;
		this.jar = directory.resolve("app.jar");
		this.log = directory.resolve("app.log");
		this.network = network;
		Files.copy(sampleJar(), this.jar);
	}

	public static Path sampleJar() {
		String property = System.getProperty("sample.jar");
		Path jar = (property != null) ? Path.of(property) : Path.of("target", "sample-app.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("packaged sample jar not found at " + jar + "; run ./mvnw verify");
		}
		return jar.toAbsolutePath();
	}

	/**
	 * Start generation 0 under a command prefix (say, in a mount namespace of its own) and
	 * with extra JVM options. Later generations re-execute only the {@code java} command
	 * line, so they keep the options and whatever the prefix set up for the process tree.
	 * @param prefix the command prefix
	 * @param jvmOptions the extra JVM options
	 */
	public void launchWith(List<String> prefix, List<String> jvmOptions) {
		this.launchPrefix = List.copyOf(prefix);
		this.jvmOptions = List.copyOf(jvmOptions);
	}

	/**
	 * Start generation 0 with these environment variables added (later generations
	 * inherit them).
	 * @param environment the variables
	 */
	public void environment(Map<String, String> environment) {
		this.environment = Map.copyOf(environment);
	}

	/**
	 * Run the sample with {@code zerodowntime.supervisor} set to this mode. Unless a test
	 * asks, {@code never} (a CI job may run under systemd, where {@code auto} would
	 * supervise), or what {@code -Dit.supervisor} says: {@code -Dit.supervisor=always} runs
	 * every test of the suite behind the supervisor.
	 * @param mode auto, always or never
	 */
	public void supervisor(String mode) {
		this.supervisor = mode;
	}

	/**
	 * Start generation 0 with the given program arguments; its output (and that of every
	 * later generation, which inherit it) goes to {@link #log()}.
	 */
	public Process start(String... arguments) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(this.network.wrap(command(arguments)))
			.directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		builder.environment().putAll(this.environment);
		Process process = builder.start();
		this.started.add(process);
		return process;
	}

	/**
	 * The command that starts generation 0 with the given program arguments, for a test
	 * that starts it itself (say, in a terminal); {@link #close()} stops it all the same.
	 */
	public List<String> command(String... arguments) {
		List<String> command = new ArrayList<>(this.launchPrefix);
		command.add(javaBinary());
		command.addAll(List.of(DEFAULT_JVM_OPTIONS.split(" ")));
		command.addAll(List.of("-D" + this.marker + "=1", "-Dzerodowntime.supervisor=" + this.supervisor));
		command.addAll(this.jvmOptions);
		command.addAll(List.of("-jar", this.jar.toString()));
		command.addAll(List.of(arguments));
		return command;
	}

	/**
	 * Run {@code ReloadCommand} from the sample's jar, as a unit's {@code ExecReload=}
	 * would, against a pid; its output goes to {@link #log()}.
	 * @return its exit code, or -1 if it did not end within the timeout
	 */
	public int reloadCommand(long pid, Duration timeout) throws IOException, InterruptedException {
		Process command = new ProcessBuilder(javaBinary(), "-cp", this.jar.toString(),
				"-Dloader.main=io.zerodowntime.cli.ReloadCommand",
				"org.springframework.boot.loader.launch.PropertiesLauncher", Long.toString(pid))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
			.start();
		if (!command.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			command.destroyForcibly();
			return -1;
		}
		return command.exitValue();
	}

	/**
	 * The {@code java} that runs the sample: this JVM's, or the one under
	 * {@code sample.java.home} (the benchmark's JVM matrix).
	 */
	public static String javaBinary() {
		String home = System.getProperty("sample.java.home", System.getProperty("java.home"));
		return Path.of(home, "bin", "java").toString();
	}

	/**
	 * Wait until a line of {@link #log()} matches.
	 * @param line what the line must match
	 * @param timeout how long to wait
	 * @return whether a line matched in time
	 */
	public boolean awaitLogLine(Predicate<String> line, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (logText().lines().noneMatch(line)) {
			if (System.nanoTime() >= deadline) {
				return false;
			}
			Thread.sleep(100);
		}
		return true;
	}

	/**
	 * Wait until the process answers {@code GET /} on the port, whatever the status, and
	 * return that answer: for an application that writes no PID file (the starter off).
	 * @throws IllegalStateException if the process exits or does not answer within
	 * {@link #STARTUP}
	 */
	public HttpExchange.Response awaitAnswer(Process process, int port) throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("exited with " + process.exitValue() + ":\n" + logText());
			}
			try {
				return HttpExchange.send(port, "GET", "/");
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("no answer on port " + port + " within " + STARTUP + ":\n" + logText());
	}

	/**
	 * Run this jar instead of the copy of the sample (say, the sample extracted for a class
	 * data archive): {@code -jar} names it in every generation.
	 * @param jar the jar
	 */
	public void runJar(Path jar) {
		this.jar = jar.toAbsolutePath();
	}

	public Path jar() {
		return this.jar;
	}

	public Path directory() {
		return this.directory;
	}

	public Path log() {
		return this.log;
	}

	public String logText() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/**
	 * The pids of every live JVM of this test (all generations, and a supervisor).
	 */
	public List<Long> livePids() {
		return liveJvms().keySet().stream().sorted().toList();
	}

	/**
	 * The pids of the live generations of this test: every JVM but a supervisor.
	 */
	public List<Long> generationPids() {
		return liveJvms().entrySet()
			.stream()
			.filter((jvm) -> !jvm.getValue().contains(SUPERVISOR_MAIN))
			.map(Map.Entry::getKey)
			.sorted()
			.toList();
	}

	private Map<Long, String> liveJvms() {
		Map<Long, String> jvms = new HashMap<>();
		try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
			entries.filter((entry) -> entry.getFileName().toString().chars().allMatch(Character::isDigit))
				.forEach((entry) -> {
					String cmdline = cmdlineOf(entry);
					// a JVM of this test, not a command prefix (unshare, an init) that names it
					if (cmdline.contains("-D" + this.marker + "=1") && cmdline.split("\0", 2)[0].endsWith("java")
							&& !isZombie(entry)) {
						jvms.put(Long.parseLong(entry.getFileName().toString()), cmdline);
					}
				});
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return jvms;
	}

	private static String cmdlineOf(Path procEntry) {
		try {
			return new String(Files.readAllBytes(procEntry.resolve("cmdline")), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static boolean isZombie(Path procEntry) {
		try {
			return statAfterName(procEntry)[0].equals("Z");
		}
		catch (IOException | RuntimeException ex) {
			return true;
		}
	}

	/**
	 * The pids of every process, zombies included, whose parent is the pid.
	 */
	public static List<Long> childrenOf(long pid) throws IOException {
		List<Long> children = new ArrayList<>();
		try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
			for (Path entry : entries.toList()) {
				try {
					if (Long.parseLong(statAfterName(entry)[1]) == pid) {
						children.add(Long.parseLong(entry.getFileName().toString()));
					}
				}
				catch (IOException | RuntimeException ex) {
					// not a process, or gone
				}
			}
		}
		return children;
	}

	/**
	 * The fields of {@code /proc/<pid>/stat} after the command name (which may hold
	 * spaces): state, parent pid, ...
	 */
	private static String[] statAfterName(Path procEntry) throws IOException {
		String stat = Files.readString(procEntry.resolve("stat"));
		return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
	}

	public static void signal(long pid, String signal) throws IOException {
		int number = jnr.constants.platform.Signal.valueOf("SIG" + signal).intValue();
		if (POSIXFactory.getNativePOSIX().kill((int) pid, number) != 0) {
			throw new IOException("kill -" + signal + " " + pid + " failed");
		}
	}

	public static boolean awaitExit(long pid, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<ProcessHandle> handle = ProcessHandle.of(pid);
			if (handle.isEmpty() || !handle.get().isAlive() || isZombie(Path.of("/proc", Long.toString(pid)))) {
				return true;
			}
			Thread.sleep(100);
		}
		return false;
	}

	@Override
	public void close() throws InterruptedException {
		for (int attempt = 0; attempt < 3; attempt++) {
			List<Long> pids = livePids();
			if (pids.isEmpty()) {
				break;
			}
			String signal = (attempt == 0) ? "TERM" : "KILL";
			for (long pid : pids) {
				try {
					signal(pid, signal);
				}
				catch (IOException ex) {
					// gone already
				}
			}
			for (long pid : pids) {
				awaitExit(pid, Duration.ofSeconds(15));
			}
		}
		for (Process process : this.started) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

}
