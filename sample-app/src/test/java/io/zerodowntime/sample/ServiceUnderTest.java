package io.zerodowntime.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The sample service as a test sees it: one port, a PID file, and the generations
 * started from one {@link SampleProcesses}. Waits are generous (a JVM starting under load
 * on two cores takes seconds) and every wait is bounded.
 */
final class ServiceUnderTest {

	static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(240);

	private static final Pattern CHILD_PID = Pattern.compile("\"childPid\":(\\d+)");

	private final TestNetwork network;

	private final SampleProcesses processes;

	private final int port;

	private final Path pidFile;

	ServiceUnderTest(TestNetwork network, SampleProcesses processes, int port) {
		this(network, processes, port, processes.directory().resolve("app.pid"));
	}

	ServiceUnderTest(TestNetwork network, SampleProcesses processes, int port, Path pidFile) {
		this.network = network;
		this.processes = processes;
		this.port = port;
		this.pidFile = pidFile;
	}

	int port() {
		return this.port;
	}

	Path pidFile() {
		return this.pidFile;
	}

	/**
	 * Start generation 0 and wait until it serves; return its pid.
	 */
	long start(String... extraArguments) throws Exception {
		String[] arguments = new String[extraArguments.length + 2];
		arguments[0] = "--server.port=" + this.port;
		arguments[1] = "--zerodowntime.pid-file=" + this.pidFile;
		System.arraycopy(extraArguments, 0, arguments, 2, extraArguments.length);
		Process process = this.processes.start(arguments);
		long deadline = System.nanoTime() + SampleProcesses.STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				fail("sample exited with " + process.exitValue() + ":\n" + this.processes.logText());
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
		throw new AssertionError("sample did not serve within " + SampleProcesses.STARTUP + ":\n"
				+ this.processes.logText());
	}

	HttpExchange.Response get(String path) throws Exception {
		return this.network.call(() -> HttpExchange.send(this.port, "GET", path));
	}

	<T> java.util.concurrent.CompletableFuture<T> async(java.util.concurrent.Callable<T> task) {
		return this.network.async(task);
	}

	HttpExchange.Response post(String path) throws Exception {
		return this.network.call(() -> HttpExchange.send(this.port, "POST", path));
	}

	long readPidFile() {
		try {
			return Long.parseLong(Files.readString(this.pidFile, StandardCharsets.US_ASCII).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
	}

	static long childPid(HttpExchange.Response accepted) {
		Matcher matcher = CHILD_PID.matcher(accepted.body());
		assertThat(matcher.find()).as("child pid in %s", accepted.body()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	/**
	 * Wait for the handover from {@code oldPid}: the PID file names a new pid, the old pid
	 * is gone and the new one serves. Returns what was measured.
	 */
	Handover awaitHandover(long oldPid, long triggeredAt) throws Exception {
		long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
		long newPid = readPidFile();
		while (newPid == oldPid && System.nanoTime() < deadline) {
			Thread.sleep(50);
			newPid = readPidFile();
		}
		long servingAt = System.nanoTime();
		assertThat(newPid).as("PID file after reload of %d; log:\n%s", oldPid, this.processes.logText())
			.isNotEqualTo(oldPid)
			.isPositive();
		boolean exited = SampleProcesses.awaitExit(oldPid, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		long oldGoneAt = System.nanoTime();
		assertThat(exited).as("old pid %d exited; log:\n%s", oldPid, this.processes.logText()).isTrue();
		assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive)).as("new pid %d alive", newPid).contains(true);
		assertThat(get("/").servedBy()).as("pid serving after the reload").isEqualTo(newPid);
		return new Handover(oldPid, newPid, Duration.ofNanos(servingAt - triggeredAt),
				Duration.ofNanos(oldGoneAt - servingAt));
	}

	Handover reloadBySignal(long pid) throws Exception {
		long triggeredAt = System.nanoTime();
		SampleProcesses.signal(pid, "USR2");
		return awaitHandover(pid, triggeredAt);
	}

	/**
	 * What one reload looked like from outside.
	 */
	record Handover(long oldPid, long newPid, Duration triggerToNewPidServing, Duration newPidServingToOldPidGone) {

		@Override
		public String toString() {
			return "reload " + this.oldPid + " -> " + this.newPid + ": trigger to new pid serving "
					+ this.triggerToNewPidServing.toMillis() + " ms, then old pid gone after "
					+ this.newPidServingToOldPidGone.toMillis() + " ms";
		}

	}

}
