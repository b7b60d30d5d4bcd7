package io.zerodowntime.internal.supervisor;

import java.io.IOException;
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
			CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
				try {
					return supervise(script, NotifySocket.of(systemdPath.toString()), List.of());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
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
		CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
			try {
				return supervise(script, null, List.of());
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
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
		CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
			try {
				return supervise(script, null, List.of("USR1"));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		awaitFile(ready);
		assertThat(libc.kill((int) SELF, 10)).isZero();
		assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(9);
	}

	private int supervise(String script, NotifySocket systemd, List<String> stopSignals) throws IOException {
		Supervisor supervisor = new Supervisor(libc, (environment) -> {
			this.notifySocket = environment.get("NOTIFY_SOCKET");
			assertThat(environment).containsEntry(Supervisor.SUPERVISOR_PID_VARIABLE, Long.toString(SELF));
			Process process = new ProcessBuilder("sh", "-c", script).inheritIO().start();
			this.started.add(process.pid());
			return process;
		}, systemd, stopSignals, null);
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
