package io.zerodowntime.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample service as a test sees it: one port, a PID file, and the generations
 * started from one {@link SampleProcesses}, behind a supervisor or not. Waits are generous
 * (a JVM starting under load on two cores takes seconds) and every wait is bounded.
 */
public final class ServiceUnderTest {

	public static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(240);

	private static final Pattern CHILD_PID = Pattern.compile("\"childPid\":(\\d+)");

	private static final Pattern RELOAD_ID = Pattern.compile("\"id\":\"([0-9a-f]+)\"");

	private final TestNetwork network;

	private final SampleProcesses processes;

	private final int port;

	private final Path pidFile;

	/**
	 * The process the test started when it is a supervisor, else -1.
	 */
	private long supervisorPid = -1;

	private Process process;

	public ServiceUnderTest(TestNetwork network, SampleProcesses processes, int port) {
		this(network, processes, port, processes.directory().resolve("app.pid"));
	}

	public ServiceUnderTest(TestNetwork network, SampleProcesses processes, int port, Path pidFile) {
		this.network = network;
		this.processes = processes;
		this.port = port;
		this.pidFile = pidFile;
	}

	public int port() {
		return this.port;
	}

	public Path pidFile() {
		return this.pidFile;
	}

	/**
	 * Start the service and wait until generation 0 serves: the process started, or its
	 * child when that process is a supervisor. Return the pid of generation 0.
	 */
	public long start(String... extraArguments) throws Exception {
		String[] arguments = new String[extraArguments.length + 2];
		arguments[0] = "--server.port=" + this.port;
		arguments[1] = "--zerodowntime.pid-file=" + this.pidFile;
		System.arraycopy(extraArguments, 0, arguments, 2, extraArguments.length);
		Process process = this.processes.start(arguments);
		this.process = process;
		long deadline = System.nanoTime() + SampleProcesses.STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException(
						"sample exited with " + process.exitValue() + ":\n" + this.processes.logText());
			}
			long generationZero = readPidFile();
			boolean supervised = generationZero != process.pid() && isChildOf(generationZero, process.pid());
			if (generationZero == process.pid() || supervised) {
				try {
					if (get("/").servedBy() == generationZero) {
						this.supervisorPid = supervised ? process.pid() : -1;
						return generationZero;
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("sample did not serve within " + SampleProcesses.STARTUP + ":\n"
				+ this.processes.logText());
	}

	private static boolean isChildOf(long pid, long parent) {
		return ProcessHandle.of(pid)
			.flatMap(ProcessHandle::parent)
			.map((handle) -> handle.pid() == parent)
			.orElse(false);
	}

	/**
	 * The process {@link #start} started: generation 0, or the supervisor.
	 */
	public Process process() {
		if (this.process == null) {
			throw new IllegalStateException("not started");
		}
		return this.process;
	}

	/**
	 * The supervisor's pid, if {@link #start} started one.
	 */
	public OptionalLong supervisorPid() {
		return (this.supervisorPid > 0) ? OptionalLong.of(this.supervisorPid) : OptionalLong.empty();
	}

	/**
	 * The live generations: every JVM of the test but the supervisor.
	 */
	public List<Long> generationPids() {
		return this.processes.generationPids();
	}

	/**
	 * Wait until the service answers {@code GET /} from the given generation (its number,
	 * which tells generations apart where pids cannot, as in a pid namespace); return the
	 * pid it reports.
	 */
	public long awaitGeneration(int generation) throws Exception {
		long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				HttpExchange.Response response = get("/");
				if (response.status() == 200 && response.body().contains("generation=" + generation + "\n")) {
					return response.servedBy();
				}
			}
			catch (IOException ex) {
				// not serving yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("generation " + generation + " did not serve within " + RELOAD_TIMEOUT
				+ "; log:\n" + this.processes.logText());
	}

	public HttpExchange.Response get(String path) throws Exception {
		return this.network.call(() -> HttpExchange.send(this.port, "GET", path));
	}

	public <T> java.util.concurrent.CompletableFuture<T> async(java.util.concurrent.Callable<T> task) {
		return this.network.async(task);
	}

	public HttpExchange.Response post(String path) throws Exception {
		return this.network.call(() -> HttpExchange.send(this.port, "POST", path));
	}

	public long readPidFile() {
		try {
			return Long.parseLong(Files.readString(this.pidFile, StandardCharsets.US_ASCII).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
	}

	public static long childPid(HttpExchange.Response accepted) {
		Matcher matcher = CHILD_PID.matcher(accepted.body());
		if (!matcher.find()) {
			throw new IllegalStateException("no child pid in " + accepted.body());
		}
		return Long.parseLong(matcher.group(1));
	}

	/**
	 * The id of the reload that an accepted trigger started.
	 */
	public static String reloadId(HttpExchange.Response accepted) {
		Matcher matcher = RELOAD_ID.matcher(accepted.body());
		if (!matcher.find()) {
			throw new IllegalStateException("no reload id in " + accepted.body());
		}
		return matcher.group(1);
	}

	/**
	 * Trigger a reload through the endpoint that is expected to fail, and wait until the
	 * serving generation reports that reload {@code FAILED}. Returns the child's pid and
	 * that status, for the test to check.
	 * @throws IllegalStateException if the trigger is refused or no failure is reported in
	 * time
	 */
	public FailedReload triggerFailingReload() throws Exception {
		HttpExchange.Response accepted = post("/actuator/reload");
		if (accepted.status() != 202) {
			throw new IllegalStateException("reload not accepted: " + accepted.status() + " " + accepted.body());
		}
		String id = reloadId(accepted);
		long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
		String status = get("/actuator/reload").body();
		while (!(status.contains("\"state\":\"FAILED\"") && status.contains("\"id\":\"" + id + "\""))) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("reload " + id + " not reported failed within " + RELOAD_TIMEOUT
						+ ": " + status);
			}
			Thread.sleep(200);
			status = get("/actuator/reload").body();
		}
		return new FailedReload(childPid(accepted), status);
	}

	/**
	 * A reload that failed: its child's pid and the status that reported it.
	 */
	public record FailedReload(long childPid, String status) {

	}

	/**
	 * Wait for the handover from {@code oldPid}: the PID file names a new pid, the old pid
	 * is gone and the new one serves. Returns what was measured.
	 */
	public Handover awaitHandover(long oldPid, long triggeredAt) throws Exception {
		long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
		long newPid = readPidFile();
		while (newPid == oldPid && System.nanoTime() < deadline) {
			Thread.sleep(50);
			newPid = readPidFile();
		}
		long servingAt = System.nanoTime();
		if (newPid == oldPid || newPid <= 0) {
			throw new IllegalStateException("PID file after reload of " + oldPid + " names " + newPid + "; log:\n"
					+ this.processes.logText());
		}
		boolean exited = SampleProcesses.awaitExit(oldPid, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		long oldGoneAt = System.nanoTime();
		if (!exited) {
			throw new IllegalStateException("old pid " + oldPid + " did not exit; log:\n" + this.processes.logText());
		}
		if (!ProcessHandle.of(newPid).map(ProcessHandle::isAlive).orElse(false)) {
			throw new IllegalStateException("new pid " + newPid + " is not alive; log:\n" + this.processes.logText());
		}
		long servedBy = get("/").servedBy();
		if (servedBy != newPid) {
			throw new IllegalStateException("pid " + servedBy + " serves after the reload to " + newPid);
		}
		return new Handover(oldPid, newPid, Duration.ofNanos(servingAt - triggeredAt),
				Duration.ofNanos(oldGoneAt - servingAt));
	}

	/**
	 * Reload by {@code SIGUSR2}, sent to the supervisor if there is one (as systemd or a
	 * user would), else to the serving generation, and wait for the handover from it.
	 */
	public Handover reloadBySignal(long pid) throws Exception {
		long triggeredAt = System.nanoTime();
		SampleProcesses.signal((this.supervisorPid > 0) ? this.supervisorPid : pid, "USR2");
		return awaitHandover(pid, triggeredAt);
	}

	/**
	 * What one reload looked like from outside.
	 */
	public record Handover(long oldPid, long newPid, Duration triggerToNewPidServing, Duration newPidServingToOldPidGone) {

		@Override
		public String toString() {
			return "reload " + this.oldPid + " -> " + this.newPid + ": trigger to new pid serving "
					+ this.triggerToNewPidServing.toMillis() + " ms, then old pid gone after "
					+ this.newPidServingToOldPidGone.toMillis() + " ms";
		}

	}

}
