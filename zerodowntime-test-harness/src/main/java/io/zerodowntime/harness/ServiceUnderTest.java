package io.zerodowntime.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample service as a test sees it: one port, a PID file, and the generations
 * started from one {@link SampleProcesses}. Waits are generous (a JVM starting under load
 * on two cores takes seconds) and every wait is bounded.
 */
public final class ServiceUnderTest {

	public static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(240);

	private static final Pattern CHILD_PID = Pattern.compile("\"childPid\":(\\d+)");

	private final TestNetwork network;

	private final SampleProcesses processes;

	private final int port;

	private final Path pidFile;

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
	 * Start generation 0 and wait until it serves; return its pid.
	 */
	public long start(String... extraArguments) throws Exception {
		String[] arguments = new String[extraArguments.length + 2];
		arguments[0] = "--server.port=" + this.port;
		arguments[1] = "--zerodowntime.pid-file=" + this.pidFile;
		System.arraycopy(extraArguments, 0, arguments, 2, extraArguments.length);
		Process process = this.processes.start(arguments);
		long deadline = System.nanoTime() + SampleProcesses.STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException(
						"sample exited with " + process.exitValue() + ":\n" + this.processes.logText());
			}
			try {
				HttpExchange.Response response = get("/");
				if (response.status() == 200 && readPidFile() == process.pid()) {
					return process.pid();
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("sample did not serve within " + SampleProcesses.STARTUP + ":\n"
				+ this.processes.logText());
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

	public Handover reloadBySignal(long pid) throws Exception {
		long triggeredAt = System.nanoTime();
		SampleProcesses.signal(pid, "USR2");
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
