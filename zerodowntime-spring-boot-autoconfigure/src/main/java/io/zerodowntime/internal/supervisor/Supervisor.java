package io.zerodowntime.internal.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import io.zerodowntime.internal.systemd.NotifySocket;
import io.zerodowntime.internal.systemd.SystemdNotifier;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;

/**
 * The stable-pid process of a supervised service. It starts generation 0 with its own
 * notification socket as {@code NOTIFY_SOCKET}, and as a child subreaper it adopts every
 * later generation when the one before exits. The generations tell it which of them serves
 * ({@code MAINPID}); it forwards stop and reload signals to that one, relays readiness,
 * reloading and status to systemd under its own pid, reaps every child, and once no child
 * is left returns the exit status of the last generation that served.
 *
 * @author zerodowntime
 */
public final class Supervisor {

	/**
	 * Set in every generation's environment: the supervisor's pid.
	 */
	public static final String SUPERVISOR_PID_VARIABLE = "ZERODOWNTIME_SUPERVISOR_PID";


	private final SupervisorLibC libc;

	private final SupervisorLog logger;

	private final FirstGeneration firstGeneration;

	private final @Nullable NotifySocket systemd;

	private final List<String> stopSignals;

	private final @Nullable String reloadSignal;

	private final long pid = ProcessHandle.current().pid();

	private volatile long serving;

	private volatile int stopSignal;

	private final ReloadOutcomes outcomes = new ReloadOutcomes();

	/**
	 * Create a new instance.
	 * @param libc the libc calls
	 * @param logger where to log
	 * @param firstGeneration starts generation 0
	 * @param systemd the service manager's notification socket, or {@code null}
	 * @param stopSignals the signals that stop the service (forwarded as they are)
	 * @param reloadSignal the signal that triggers a reload, or {@code null}
	 */
	public Supervisor(SupervisorLibC libc, SupervisorLog logger, FirstGeneration firstGeneration,
			@Nullable NotifySocket systemd, List<String> stopSignals, @Nullable String reloadSignal) {
		this.libc = libc;
		this.logger = logger;
		this.firstGeneration = firstGeneration;
		this.systemd = systemd;
		this.stopSignals = List.copyOf(stopSignals);
		this.reloadSignal = reloadSignal;
	}

	/**
	 * Become a child subreaper. Without it, a generation whose parent exits is adopted by
	 * the init process and the supervisor would lose the service.
	 * @param libc the libc calls
	 * @throws IOException if the kernel refuses
	 */
	public static void becomeSubreaper(SupervisorLibC libc) throws IOException {
		if (libc.prctl(SupervisorLibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
			throw new IOException("prctl(PR_SET_CHILD_SUBREAPER) failed");
		}
	}

	/**
	 * Start generation 0 and supervise until no generation is left.
	 * @return the exit status of the last generation that served
	 * @throws IOException if generation 0 cannot be started; nothing runs then
	 */
	public int run() throws IOException {
		Path directory = ControlSocket.directory(Path.of(System.getProperty("java.io.tmpdir")), this.pid);
		try (NotifyInbox inbox = NotifyInbox.bind(this.libc, directory.resolve("notify.sock"));
				ControlSocket control = ControlSocket.listen(directory, this::reload, this.logger)) {
			Thread relay = new Thread(() -> relay(inbox), "zerodowntime-supervisor-notify");
			relay.setDaemon(true);
			relay.start();
			handleSignals();
			Map<String, String> environment = new HashMap<>();
			environment.put("NOTIFY_SOCKET", inbox.getPath().toString());
			environment.put(SUPERVISOR_PID_VARIABLE, Long.toString(this.pid));
			Process first = this.firstGeneration.start(environment);
			this.serving = first.pid();
			if (this.stopSignal != 0) {
				this.libc.kill((int) first.pid(), this.stopSignal);
			}
			this.logger.info("Supervisor pid " + this.pid + " started generation 0 (pid " + first.pid() + ")");
			// what this JVM allocated while it started the application is garbage now
			System.gc();
			try {
				return superviseUntilNoChildIsLeft(first);
			}
			catch (IOException | RuntimeException ex) {
				this.logger.error("Supervisor pid " + this.pid + " can no longer wait for its children; it waits for "
						+ "generation 0 only", ex);
				return waitFor(first);
			}
		}
		finally {
			// each socket removed its file when it closed
			Files.deleteIfExists(directory);
		}
	}

	private int superviseUntilNoChildIsLeft(Process first) throws IOException {
		Children children = new Children(this.libc);
		Integer status = null;
		OptionalLong exited;
		while ((exited = children.awaitExit()).isPresent()) {
			long pid = exited.getAsLong();
			// the JDK reaps the process it spawned; every adopted one is reaped here
			int exitStatus = (pid == first.pid()) ? waitFor(first) : children.reap(pid).status();
			if (pid == this.serving) {
				status = exitStatus;
				this.logger.info("Supervisor pid " + this.pid + ": the serving generation (pid " + pid
						+ ") exited with status " + exitStatus);
			}
			else {
				this.logger.debug("Supervisor pid " + this.pid + ": pid " + pid + " exited with status " + exitStatus);
			}
		}
		if (status == null) {
			// the serving generation was not this process's child when it exited (its parent
			// was still draining), or the JDK's reaper took generation 0 before waitid saw it
			status = (this.stopSignal != 0 && this.serving != first.pid()) ? 128 + this.stopSignal : waitFor(first);
		}
		this.logger.info("Supervisor pid " + this.pid + ": no generation is left; exiting with status " + status);
		return status;
	}

	private static int waitFor(Process process) {
		while (true) {
			try {
				return process.waitFor();
			}
			catch (InterruptedException ex) {
				// the supervisor's only job is to wait; keep waiting
			}
		}
	}

	/**
	 * Return the pid of the generation that serves, as far as the supervisor knows.
	 * @return the pid
	 */
	long servingPid() {
		return this.serving;
	}

	/**
	 * Return whether a stop signal has arrived.
	 * @return whether the service is stopping
	 */
	boolean isStopping() {
		return this.stopSignal != 0;
	}

	/**
	 * Starts generation 0.
	 */
	@FunctionalInterface
	public interface FirstGeneration {

		/**
		 * Start generation 0.
		 * @param environment entries to add to this process's environment
		 * @return the started process
		 * @throws IOException if it cannot be started
		 */
		Process start(Map<String, String> environment) throws IOException;

	}

	private void handleSignals() {
		for (String name : this.stopSignals) {
			Signal.handle(new Signal(name), (signal) -> {
				this.stopSignal = signal.getNumber();
				notifySystemd("STOPPING=1");
				forward(signal);
			});
		}
		if (this.reloadSignal != null) {
			Signal.handle(new Signal(this.reloadSignal), this::forward);
		}
	}

	private void forward(Signal signal) {
		long target = this.serving;
		if (target <= 0) {
			// kill(0) would signal this whole process group, the supervisor included
			this.logger.info("Supervisor pid " + this.pid + ": SIG" + signal.getName() + " before generation 0 "
					+ "started" + ((this.stopSignal != 0) ? "; it is stopped as soon as it starts" : "; ignored"));
			return;
		}
		this.logger.info("Supervisor pid " + this.pid + ": forwarding SIG" + signal.getName() + " to the serving generation"
				+ " (pid " + target + ")" + ((this.stopSignal != 0) ? "; stopping" : ""));
		if (this.libc.kill((int) target, signal.getNumber()) != 0) {
			this.logger.warn("Supervisor pid " + this.pid + ": could not forward SIG" + signal.getName() + " to pid "
					+ target + " (has it exited?)");
		}
	}

	private void relay(NotifyInbox inbox) {
		String message;
		while ((message = inbox.receive()) != null) {
			List<String> relayed = new ArrayList<>();
			String outcome = null;
			String status = "";
			for (String line : message.split("\n")) {
				if (line.startsWith("MAINPID=")) {
					follow(line.substring("MAINPID=".length()));
				}
				else if (line.startsWith(SystemdNotifier.OUTCOME)) {
					outcome = line.substring(SystemdNotifier.OUTCOME.length());
				}
				else if (!line.isBlank()) {
					relayed.add(line);
					status = line.startsWith("STATUS=") ? line.substring("STATUS=".length()) : status;
				}
			}
			if (relayed.contains("READY=1")) {
				// systemd keeps following the supervisor, whichever generation is ready
				relayed.add(0, "MAINPID=" + this.pid);
			}
			if (!relayed.isEmpty()) {
				notifySystemd(String.join("\n", relayed));
			}
			if (outcome != null) {
				this.outcomes.announced(outcome, status);
			}
		}
	}

	/**
	 * Trigger a reload of the serving generation for a control client.
	 * @return the reload's outcome, once it has ended
	 */
	private CompletableFuture<String> reload() {
		if (this.reloadSignal == null) {
			return CompletableFuture
				.completedFuture("REFUSED reloads by signal are off (zerodowntime.signal=none)");
		}
		if (this.serving <= 0) {
			// the signal would be ignored, and no outcome would ever come
			return CompletableFuture.completedFuture("REFUSED the service has not started yet");
		}
		CompletableFuture<String> outcome = this.outcomes.next();
		forward(new Signal(this.reloadSignal));
		return outcome;
	}

	private void follow(String announced) {
		long pid;
		try {
			pid = Long.parseLong(announced.trim());
		}
		catch (NumberFormatException ex) {
			return;
		}
		if (!isDescendant(pid)) {
			this.logger.warn("Supervisor pid " + this.pid + ": ignoring MAINPID=" + pid + ", not one of its descendants");
			return;
		}
		if (pid != this.serving) {
			this.logger.info("Supervisor pid " + this.pid + ": generation pid " + pid + " serves");
			this.serving = pid;
		}
	}

	private boolean isDescendant(long pid) {
		Optional<ProcessHandle> process = ProcessHandle.of(pid);
		while (process.isPresent()) {
			process = process.get().parent();
			if (process.isPresent() && process.get().pid() == this.pid) {
				return true;
			}
		}
		return false;
	}

	private void notifySystemd(String message) {
		if (this.systemd == null) {
			return;
		}
		try {
			this.systemd.send(message + "\n");
		}
		catch (IOException | RuntimeException ex) {
			this.logger.warn("Supervisor could not notify systemd at " + this.systemd + ": " + ex.getMessage());
		}
	}

}
