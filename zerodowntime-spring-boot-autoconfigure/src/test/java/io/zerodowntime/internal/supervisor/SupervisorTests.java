package io.zerodowntime.internal.supervisor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.internal.systemd.NotifySocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Supervisor}, with real processes (shell scripts standing in for the
 * generations) and real signals. This JVM becomes a child subreaper for them.
 */
class SupervisorTests {

	private static final SupervisorLibC libc = SupervisorLibC.load();

	private static final long SELF = ProcessHandle.current().pid();

	@TempDir
	Path directory;

	private final List<Long> started = new ArrayList<>();

	private volatile String notifySocket = "";

	private volatile Supervisor supervisor;

	@BeforeAll
	static void becomeSubreaper() throws IOException {
		Supervisor.becomeSubreaper(libc);
	}

	@AfterEach
	void killEverythingStarted() {
		for (long pid : this.started) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	@Test
	void exitsWithTheStatusOfGenerationZero() throws Exception {
		assertThat(supervise("exit 7", null, List.of())).isEqualTo(7);
	}

	@Test
	void aGenerationKilledByASignalIsReportedAsAShellWould() throws Exception {
		assertThat(supervise("kill -9 $$", null, List.of())).isEqualTo(128 + 9);
	}

	@Test
	void waitsForEveryAdoptedDescendantBeforeItReturns() throws Exception {
		Path grandchild = this.directory.resolve("grandchild.pid");
		int status = supervise("sleep 1 & echo $! > " + grandchild + "; exit 0", null, List.of());
		assertThat(status).isZero();
		long pid = Long.parseLong(Files.readString(grandchild).trim());
		// reaped by the supervisor, not left as a zombie of this JVM
		assertThat(ProcessHandle.of(pid)).isEmpty();
	}

	@Test
	void followsTheGenerationThatAnnouncesItselfAndRelaysItsReadinessUnderItsOwnPid() throws Exception {
		Path successor = this.directory.resolve("successor.pid");
		Path systemdPath = this.directory.resolve("systemd.sock");
		try (NotifyInbox systemd = NotifyInbox.bind(libc, systemdPath)) {
			CompletableFuture<String> relayed = CompletableFuture.supplyAsync(systemd::receive);
			// generation 0 starts its successor, which serves, then generation 0 exits
			String script = "(sleep 3; exit 5) & echo $! > " + successor + "; sleep 2; exit 0";
			CompletableFuture<Integer> status = superviseInBackground(script, NotifySocket.of(systemdPath.toString()),
					List.of());
			long successorPid = awaitPid(successor);
			NotifySocket.of(this.notifySocket).send("MAINPID=" + successorPid + "\nREADY=1\nSTATUS=serving\n");
			assertThat(relayed.get(30, TimeUnit.SECONDS)).isEqualTo("MAINPID=" + SELF + "\nREADY=1\nSTATUS=serving\n");
			// the status is the successor's: it was serving when the last generation exited
			assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(5);
		}
	}

	@Test
	void aMainPidThatIsNotADescendantIsIgnored() throws Exception {
		Path ready = this.directory.resolve("ready");
		String script = "touch " + ready + "; sleep 2; exit 3";
		CompletableFuture<Integer> status = superviseInBackground(script, null, List.of());
		awaitFile(ready);
		// this JVM's parent is no descendant of the supervisor
		long stranger = ProcessHandle.current().parent().orElseThrow().pid();
		NotifySocket.of(this.notifySocket).send("MAINPID=" + stranger + "\nREADY=1\n");
		assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(3);
	}

	@Test
	void forwardsAStopSignalToTheServingGeneration() throws Exception {
		Path ready = this.directory.resolve("ready");
		String script = "trap 'exit 9' USR1; touch " + ready + "; while :; do sleep 0.1; done";
		CompletableFuture<Integer> status = superviseInBackground(script, null, List.of("USR1"));
		awaitFile(ready);
		assertThat(libc.kill((int) SELF, 10)).isZero();
		assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(9);
	}

	@Test
	void aServingGenerationStoppedWhileItsParentStillDrainsExitsAsAStoppedJvmWould() throws Exception {
		Path successor = this.directory.resolve("successor.pid");
		// generation 0 is still the successor's parent (draining) when the stop arrives, so it
		// reaps the successor and the supervisor never sees that status
		String script = "(trap 'exit 138' USR1; while :; do sleep 0.1; done) & echo $! > " + successor
				+ "; wait; sleep 1; exit 0";
		CompletableFuture<Integer> status = superviseInBackground(script, null, List.of("USR1"));
		long successorPid = awaitPid(successor);
		NotifySocket.of(this.notifySocket).send("MAINPID=" + successorPid + "\nREADY=1\n");
		awaitServing(successorPid);
		assertThat(libc.kill((int) SELF, 10)).isZero();
		assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(128 + 10);
	}

	/**
	 * Wait until the supervisor has read the announcement.
	 */
	private void awaitServing(long pid) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.supervisor.servingPid() != pid && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.supervisor.servingPid()).isEqualTo(pid);
	}

	@Test
	void aStopSignalBeforeGenerationZeroStartedStopsItOnceStarted() throws Exception {
		String script = "trap 'exit 9' USR1; while :; do sleep 0.1; done";
		Supervisor supervisor = new Supervisor(libc, SupervisorLog.of(Supervisor.class), (environment) -> {
			// the stop arrives while generation 0 is being started
			libc.kill((int) SELF, 10);
			awaitStopping();
			Process process = new ProcessBuilder("sh", "-c", script).inheritIO().start();
			this.started.add(process.pid());
			return process;
		}, null, List.of("USR1"), null);
		this.supervisor = supervisor;
		CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
			try {
				return supervisor.run();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		// the shell's trap, or its default action if the signal beat the trap: either way
		// the stop reached generation 0
		assertThat(status.get(30, TimeUnit.SECONDS)).isIn(9, 128 + 10);
	}

	private void awaitStopping() {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!this.supervisor.isStopping() && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(this.supervisor.isStopping()).isTrue();
	}

	@Test
	void aControlClientGetsTheOutcomeOfTheReloadItTriggered() throws Exception {
		Path reloading = this.directory.resolve("reloading");
		Path started = this.directory.resolve("started");
		String script = "trap 'touch " + reloading + "' USR2; trap 'exit 0' USR1; touch " + started
				+ "; while :; do sleep 0.1; done";
		CompletableFuture<Integer> status = superviseInBackground(script, null, List.of("USR1"), "USR2");
		Path control = Path.of(System.getProperty("java.io.tmpdir"), "zerodowntime-" + SELF, "control.sock");
		awaitFile(control);
		awaitFile(started);
		CompletableFuture<String> outcome = CompletableFuture.supplyAsync(() -> requestReload(control));
		// the generation got the reload signal; it reports as the starter's notifier would
		awaitFile(reloading);
		NotifySocket.of(this.notifySocket)
			.send("RELOADING=1\nSTATUS=Reloading\nX_ZERODOWNTIME_RELOAD=started ab12\n");
		NotifySocket.of(this.notifySocket)
			.send("MAINPID=1\nREADY=1\nSTATUS=Reload ab12 failed: not healthy\nX_ZERODOWNTIME_RELOAD=failed ab12\n");
		assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo("FAILED Reload ab12 failed: not healthy\n");
		assertThat(libc.kill((int) SELF, 10)).isZero();
		assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
	}

	private static String requestReload(Path socket) {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			channel.write(ByteBuffer.wrap("RELOAD\n".getBytes(StandardCharsets.US_ASCII)));
			ByteBuffer answer = ByteBuffer.allocate(1024);
			while (channel.read(answer) > 0) {
				// until the supervisor closes
			}
			return new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private CompletableFuture<Integer> superviseInBackground(String script, NotifySocket systemd,
			List<String> stopSignals) {
		return superviseInBackground(script, systemd, stopSignals, null);
	}

	private CompletableFuture<Integer> superviseInBackground(String script, NotifySocket systemd,
			List<String> stopSignals, String reloadSignal) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return supervise(script, systemd, stopSignals, reloadSignal);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private int supervise(String script, NotifySocket systemd, List<String> stopSignals) throws IOException {
		return supervise(script, systemd, stopSignals, null);
	}

	private int supervise(String script, NotifySocket systemd, List<String> stopSignals, String reloadSignal)
			throws IOException {
		Supervisor supervisor = new Supervisor(libc, SupervisorLog.of(Supervisor.class), (environment) -> {
			this.notifySocket = environment.get("NOTIFY_SOCKET");
			assertThat(environment).containsEntry(Supervisor.SUPERVISOR_PID_VARIABLE, Long.toString(SELF));
			Process process = new ProcessBuilder("sh", "-c", script).inheritIO().start();
			this.started.add(process.pid());
			return process;
		}, systemd, stopSignals, reloadSignal);
		this.supervisor = supervisor;
		return supervisor.run();
	}

	private long awaitPid(Path file) throws Exception {
		awaitFile(file);
		String content = "";
		for (int i = 0; i < 100 && content.isBlank(); i++) {
			content = Files.readString(file).trim();
			Thread.sleep(50);
		}
		long pid = Long.parseLong(content);
		this.started.add(pid);
		return pid;
	}

	private static void awaitFile(Path file) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!Files.exists(file) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(file).exists();
	}

}
