package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.PreflightCheck;
import io.zerodowntime.reload.ReloadConflictException;
import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ReloadOutcome;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.reload.ReloadReport;
import io.zerodowntime.reload.ReloadState;
import io.zerodowntime.reload.ReloadStatus;
import io.zerodowntime.reload.ReloadTicket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReloadCoordinator}, with real child processes (shell commands standing in for
 * the application) so that exits, silence and the control channel are real.
 */
class ReloadCoordinatorTests {

	private Generation generation = new Generation(3, ProcessHandle.current().pid(), null, null, null, null, null,
			ReloadCounts.NONE);

	private final AtomicReference<ReloadReport> handedOver = new AtomicReference<>();

	private Process child;

	private String resumeReason;

	private RuntimeException handoverFailure;

	private RuntimeException launchFailure;

	private LinkageError launchError;

	private Path controlSocket;

	private Boolean controlSocketAtHandover;

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final List<String> backgroundWork = new CopyOnWriteArrayList<>();

	private Path told;

	private final BackgroundWork recordingBackgroundWork = new BackgroundWork() {

		@Override
		public void start() {
			ReloadCoordinatorTests.this.backgroundWork.add("start");
		}

		@Override
		public boolean stop(Duration timeout) {
			Path told = ReloadCoordinatorTests.this.told;
			ReloadCoordinatorTests.this.backgroundWork
				.add((told != null && Files.exists(told)) ? "stop after the child was told" : "stop");
			return true;
		}

	};

	private final ReloadListener recorder = new ReloadListener() {

		@Override
		public void serving(Generation generation) {
			ReloadCoordinatorTests.this.events.add("serving " + generation.number());
		}

		@Override
		public void started(ReloadReport report) {
			ReloadCoordinatorTests.this.events.add("started " + report.childPid());
		}

		@Override
		public void rejected(String trigger, String reason) {
			ReloadCoordinatorTests.this.events.add("rejected " + trigger);
		}

		@Override
		public void failed(ReloadReport report) {
			ReloadCoordinatorTests.this.events.add("failed " + report.reason());
		}

		@Override
		public void succeeded(ReloadReport report) {
			ReloadCoordinatorTests.this.events.add("succeeded " + report.childPid());
		}

	};

	@AfterEach
	void stopChild() {
		if (this.child != null) {
			this.child.destroyForcibly();
		}
	}

	@Test
	void refusesBeforeTheApplicationServes() {
		ReloadCoordinator reloader = reloader("sleep 60", Duration.ofSeconds(5));
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(() -> reloader.trigger("test"))
			.withMessageContaining("has not finished starting");
		assertThat(reloader.status().state()).isEqualTo(ReloadState.UNAVAILABLE);
		assertThat(reloader.status().unavailableReason()).contains("has not finished starting");
	}

	@Test
	void secondTriggerWhileStartingIsAConflictAndStartsNoChild() {
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30)));
		ReloadTicket ticket = reloader.trigger("first");
		assertThat(reloader.status().state()).isEqualTo(ReloadState.STARTING);
		assertThatExceptionOfType(ReloadConflictException.class).isThrownBy(() -> reloader.trigger("second"))
			.withMessageContaining("already starting")
			.withMessageContaining(Long.toString(ticket.childPid()));
		assertThat(reloader.status().lastReload().childPid()).isEqualTo(ticket.childPid());
	}

	@Test
	void childThatExitsIsRolledBackWithItsExitCode() throws Exception {
		ReloadCoordinator reloader = serving(reloader("exit 7", Duration.ofSeconds(30)));
		reloader.trigger("test");
		ReloadStatus status = awaitState(reloader, ReloadState.FAILED);
		assertThat(status.lastReload().outcome()).isEqualTo(ReloadOutcome.FAILED);
		assertThat(status.lastReload().reason()).contains("exited with code 7");
		assertThat(this.handedOver).hasNullValue();
		assertThat(this.events).containsExactly("serving 3", "started " + status.lastReload().childPid(),
				"failed " + status.lastReload().reason());
		assertThat(this.backgroundWork).as("a child that never served: background work untouched").isEmpty();
	}

	@Test
	void pidOneServesButRefusesReloadsAndSaysWhy() {
		this.generation = new Generation(0, 1, null, null, null, null, null, ReloadCounts.NONE);
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30)));
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(() -> reloader.trigger("test"))
			.withMessageContaining("PID 1")
			.withMessageContaining("container would stop")
			.withMessageContaining("zerodowntime.supervisor");
		assertThat(this.child).as("spawned child").isNull();
		assertThat(reloader.status().state()).isEqualTo(ReloadState.UNAVAILABLE);
		assertThat(reloader.status().unavailableReason()).contains("PID 1");
		assertThat(this.events).containsExactly("serving 0", "rejected test");
	}

	@Test
	void silentChildIsStoppedAfterTheStartupTimeout() throws Exception {
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofMillis(500)));
		ReloadTicket ticket = reloader.trigger("test");
		ReloadStatus status = awaitState(reloader, ReloadState.FAILED);
		assertThat(status.lastReload().reason()).contains("did not become healthy within PT0.5S");
		assertThat(ProcessHandle.of(ticket.childPid()).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
		ReloadTicket again = reloader.trigger("after failure");
		assertThat(again.id()).isNotEqualTo(ticket.id());
	}

	@Test
	void childThatReportsReadyAndServesIsHandedOverAndToldTheOutcome(@TempDir Path temp) throws Exception {
		Path told = temp.resolve("told.txt");
		this.told = told;
		ReloadCoordinator reloader = serving(reloader(handshakingChild() + " '" + told + "'", Duration.ofSeconds(30)));
		ReloadTicket ticket = reloader.trigger("test");
		assertThatExceptionOfType(ReloadConflictException.class).isThrownBy(() -> reloader.trigger("while starting"));
		ReloadStatus status = awaitState(reloader, ReloadState.DRAINING);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while ((this.handedOver.get() == null || !Files.exists(told)) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(status.lastReload().outcome()).isEqualTo(ReloadOutcome.SUCCEEDED);
		assertThat(status.lastReload().childReady()).isNotNull();
		assertThat(this.handedOver.get().childPid()).isEqualTo(ticket.childPid());
		assertThat(this.controlSocketAtHandover).as("control directory still there at handover").isFalse();
		assertThat(this.events).containsExactly("serving 3", "started " + ticket.childPid(),
				"rejected while starting", "succeeded " + ticket.childPid());
		assertThatExceptionOfType(ReloadConflictException.class).isThrownBy(() -> reloader.trigger("late"))
			.withMessageContaining("draining");
		HandoverReport report = HandoverReport.decode(Files.readString(told).trim(), ticket.childPid());
		assertThat(report).as("what the child was told: %s", Files.readString(told)).isNotNull();
		assertThat(report.counts()).as("counts before the success, the refused trigger included")
			.isEqualTo(new ReloadCounts(0, 0, 1));
		assertThat(report.reload().id()).isEqualTo(ticket.id());
		assertThat(report.reload().trigger()).isEqualTo("test");
		assertThat(report.reload().childPid()).isEqualTo(ticket.childPid());
		assertThat(report.reload().childReady()).isNotNull();
		assertThat(report.reload().duration()).isGreaterThanOrEqualTo(report.reload().childReady());
		assertThat(this.backgroundWork).as("background work stopped before the child was told it serves")
			.containsExactly("stop");
	}

	@Test
	void aNoteOfTheChildsStartIsReportedByTheReloadAndToldToTheChild(@TempDir Path temp) throws Exception {
		Path told = temp.resolve("told.txt");
		this.told = told;
		String note = "warm-up incomplete: 40 request(s) to [/]; 3 failed";
		ReloadCoordinator reloader = serving(reloader(
				"HANDSHAKING_CHILD_NOTE='" + note + "' " + handshakingChild() + " '" + told + "'", Duration.ofSeconds(30)));
		ReloadTicket ticket = reloader.trigger("test");
		ReloadStatus status = awaitState(reloader, ReloadState.DRAINING);
		assertThat(status.lastReload().outcome()).isEqualTo(ReloadOutcome.SUCCEEDED);
		assertThat(status.lastReload().notes()).containsExactly(note);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		// the child writes the line it was told
		while (!(Files.exists(told) && Files.readString(told).endsWith("test")) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		HandoverReport report = HandoverReport.decode(Files.readString(told).trim(), ticket.childPid());
		assertThat(report).as("what the child was told: %s", Files.readString(told)).isNotNull();
		assertThat(report.reload().notes()).containsExactly(note);
	}

	@Test
	void childThatDiesDuringTheDrainLeavesThisGenerationServingAndTheReloadFailed() throws Exception {
		this.resumeReason = "new generation died while this generation was still draining";
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ReloadCoordinator reloader = serving(reloader("exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
				+ HandshakingChild.class.getName(), Duration.ofSeconds(30)));
		reloader.trigger("test");
		ReloadStatus status = awaitState(reloader, ReloadState.FAILED);
		assertThat(status.lastReload().outcome()).isEqualTo(ReloadOutcome.FAILED);
		assertThat(status.lastReload().reason()).isEqualTo(this.resumeReason);
		assertThat(this.backgroundWork).as("stopped at the handover, started again when this generation resumed")
			.containsExactly("stop", "start");
		assertThat(reloader.trigger("next").childPid()).isPositive();
	}

	@Test
	void failedPreflightCheckRefusesWithItsReasonAndStartsNoChild() {
		PreflightCheck full = () -> {
			throw new ReloadRefusedException("the disk is full");
		};
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30), List.of(full)));
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(() -> reloader.trigger("test"))
			.withMessage("pre-flight check failed: the disk is full");
		ReloadStatus status = reloader.status();
		assertThat(this.child).as("spawned child").isNull();
		assertThat(status.state()).isEqualTo(ReloadState.FAILED);
		assertThat(status.lastReload().childPid()).isNull();
		assertThat(status.lastReload().reason()).isEqualTo("pre-flight check failed: the disk is full");
		assertThat(status.reloads()).isEqualTo(new ReloadCounts(0, 0, 1));
	}

	@Test
	void statusDoesNotWaitForAPreflightCheckAndASecondTriggerIsAConflictMeanwhile() throws Exception {
		CountDownLatch checking = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		PreflightCheck slow = () -> {
			checking.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30), List.of(slow)));
		CompletableFuture<ReloadTicket> first = CompletableFuture
			.supplyAsync(() -> reloader.trigger("first"));
		assertThat(checking.await(10, TimeUnit.SECONDS)).isTrue();
		try {
			ReloadStatus status = CompletableFuture.supplyAsync(reloader::status)
				.get(5, TimeUnit.SECONDS);
			assertThat(status.state()).isEqualTo(ReloadState.STARTING);
			assertThat(status.lastReload().childPid()).as("no child before the checks pass").isNull();
			assertThatExceptionOfType(ReloadConflictException.class).isThrownBy(() -> reloader.trigger("second"));
		}
		finally {
			release.countDown();
		}
		assertThat(first.get(30, TimeUnit.SECONDS).childPid()).isPositive();
	}

	@Test
	void rejectedTriggersAreCounted() {
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30)));
		reloader.trigger("first");
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(ReloadConflictException.class).isThrownBy(() -> reloader.trigger("storm"));
		}
		assertThat(reloader.status().reloads().rejected()).isEqualTo(5);
	}

	@Test
	void aHandoverThatThrowsEndsInFailedAndTheNextTriggerIsAccepted() throws Exception {
		this.handoverFailure = new java.io.UncheckedIOException("Listener on port 8081 could not be reopened",
				new java.net.BindException("Address already in use"));
		ReloadCoordinator reloader = serving(reloader(handshakingChild(), Duration.ofSeconds(30)));
		reloader.trigger("test");
		ReloadStatus status = awaitState(reloader, ReloadState.FAILED);
		assertThat(status.lastReload().reason()).contains("could not be reopened");
		assertThat(status.reloads()).isEqualTo(new ReloadCounts(1, 1, 0));
		this.handoverFailure = null;
		assertThat(reloader.trigger("next").childPid()).isPositive();
	}

	@Test
	void aListenerThatThrowsOnSuccessDoesNotRollBackTheChildThatServes() throws Exception {
		ReloadCoordinator reloader = serving(reloader(handshakingChild(), Duration.ofSeconds(30)));
		reloader.addListener(new ReloadListener() {

			@Override
			public void succeeded(ReloadReport report) {
				throw new IllegalStateException("metrics registry closed");
			}

		});
		ReloadTicket ticket = reloader.trigger("test");
		awaitHandover();
		ReloadStatus status = reloader.status();
		assertThat(status.state()).isEqualTo(ReloadState.DRAINING);
		assertThat(status.lastReload().outcome()).isEqualTo(ReloadOutcome.SUCCEEDED);
		assertThat(this.handedOver.get().childPid()).isEqualTo(ticket.childPid());
		assertThat(this.child.isAlive()).as("child that took over is alive").isTrue();
	}

	@Test
	void aLauncherThatThrowsAnythingIsARefusalThatLeavesNoControlDirectory() {
		this.launchFailure = new IllegalStateException("jnr: dup2 unavailable");
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30)));
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(() -> reloader.trigger("test"))
			.withMessageContaining("the child could not be started")
			.withMessageContaining("dup2 unavailable");
		assertThat(this.controlSocket).as("control directory").doesNotExist();
		ReloadStatus status = reloader.status();
		assertThat(status.state()).isEqualTo(ReloadState.FAILED);
		assertThat(status.reloads()).isEqualTo(new ReloadCounts(0, 0, 1));
		this.launchFailure = null;
		assertThat(reloader.trigger("next").childPid()).isPositive();
	}

	@Test
	void aNativeLibraryThatCannotLoadIsARefusalNotAStuckReload() {
		this.launchError = new UnsatisfiedLinkError("libjffi-1.2.so: cannot open shared object file");
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30)));
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(() -> reloader.trigger("test"))
			.withMessageContaining("libjffi");
		assertThat(this.controlSocket).as("control directory").doesNotExist();
		assertThat(reloader.status().state()).isEqualTo(ReloadState.FAILED);
	}

	@Test
	void afterShutdownATriggerIsRefusedAndStartsNoChild() {
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30)));
		reloader.shutdown();
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(() -> reloader.trigger("test"))
			.withMessageContaining("shutting down");
		assertThat(this.child).as("spawned child").isNull();
		assertThat(reloader.status().state()).isEqualTo(ReloadState.UNAVAILABLE);
		assertThat(reloader.status().unavailableReason()).isEqualTo("the application is shutting down");
	}

	@Test
	void shutdownStopsAChildThatHasNotTakenOver() throws Exception {
		ReloadCoordinator reloader = serving(reloader("sleep 60", Duration.ofSeconds(30)));
		ReloadTicket ticket = reloader.trigger("test");
		reloader.shutdown();
		// failed, and no reload can start any more
		ReloadStatus status = awaitState(reloader, ReloadState.UNAVAILABLE);
		assertThat(status.lastReload().outcome()).isEqualTo(ReloadOutcome.FAILED);
		assertThat(status.lastReload().reason()).contains("shutting down");
		assertThat(this.child.isAlive()).isFalse();
		assertThat(this.controlSocket).as("control directory").doesNotExist();
		assertThat(ticket.childPid()).isEqualTo(this.child.pid());
	}

	@Test
	void onlyLegalStateChangesAreAllowed() {
		assertThat(ReloadState.IDLE.canMoveTo(ReloadState.STARTING)).isTrue();
		assertThat(ReloadState.FAILED.canMoveTo(ReloadState.STARTING)).isTrue();
		assertThat(ReloadState.DRAINING.canMoveTo(ReloadState.FAILED)).isTrue();
		assertThat(ReloadState.DRAINING.canMoveTo(ReloadState.STARTING)).isFalse();
		assertThat(ReloadState.STARTING.canMoveTo(ReloadState.DRAINING)).isFalse();
		assertThat(ReloadState.IDLE.canMoveTo(ReloadState.FAILED)).isFalse();
		assertThat(ReloadState.IDLE.canMoveTo(ReloadState.UNAVAILABLE)).isFalse();
		assertThat(ReloadState.UNAVAILABLE.canMoveTo(ReloadState.STARTING)).isFalse();
	}

	@Test
	void aServingGenerationIsIdleAndAvailable() {
		ReloadStatus status = serving(reloader("sleep 60", Duration.ofSeconds(30))).status();
		assertThat(status.state()).isEqualTo(ReloadState.IDLE);
		assertThat(status.unavailableReason()).isNull();
	}

	@Test
	void aChildThatTookOverShowsTheReloadThatMadeItAndTheCountsItsParentHad() {
		this.generation = new Generation(4, ProcessHandle.current().pid(), 42L, "abcd1234", Path.of("/nowhere"), "t",
				Instant.now().minusSeconds(9), new ReloadCounts(2, 1, 0));
		ReloadCoordinator reloader = reloader("sleep 60", Duration.ofSeconds(30));
		ReloadReport made = new ReloadReport("abcd1234", "signal SIGUSR2", ReloadOutcome.SUCCEEDED,
				this.generation.pid(), null, Instant.now().minusSeconds(9), Duration.ofSeconds(7), Duration.ofSeconds(8));
		reloader.tookOver(new HandoverReport(made, new ReloadCounts(2, 1, 3)));
		ReloadStatus status = reloader.status();
		assertThat(status.lastReload()).isEqualTo(made);
		assertThat(status.reloads()).as("the parent's counts, with the reload that made this generation")
			.isEqualTo(new ReloadCounts(3, 1, 3));
	}

	@Test
	void aChildWhoseParentReportedNothingShowsTheReloadFromItsEnvironment() {
		Instant startedAt = Instant.now().minusSeconds(9);
		this.generation = new Generation(4, ProcessHandle.current().pid(), 42L, "abcd1234", Path.of("/nowhere"), "t",
				startedAt, new ReloadCounts(2, 1, 0));
		ReloadCoordinator reloader = reloader("sleep 60", Duration.ofSeconds(30));
		reloader.tookOver(null);
		ReloadStatus status = reloader.status();
		assertThat(status.lastReload().id()).isEqualTo("abcd1234");
		assertThat(status.lastReload().outcome()).isEqualTo(ReloadOutcome.SUCCEEDED);
		assertThat(status.lastReload().childPid()).isEqualTo(this.generation.pid());
		assertThat(status.lastReload().startedAt()).isEqualTo(startedAt);
		assertThat(status.lastReload().duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
		assertThat(status.reloads()).isEqualTo(new ReloadCounts(3, 1, 0));
	}

	private void awaitHandover() throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.handedOver.get() == null && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.handedOver.get()).as("handed over").isNotNull();
	}

	private static String handshakingChild() {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return "exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
				+ HandshakingChild.class.getName();
	}

	private ReloadCoordinator serving(ReloadCoordinator reloader) {
		reloader.serving(ReexecCommand.of(Path.of("/bin/sh"), List.of("sh", "-c", "true"), Path.of("."), null),
				null);
		return reloader;
	}

	private ReloadCoordinator reloader(String shellScript, Duration startupTimeout) {
		return reloader(shellScript, startupTimeout, List.of());
	}

	private ReloadCoordinator reloader(String shellScript, Duration startupTimeout, List<PreflightCheck> preflightChecks) {
		ChildLauncher launcher = new ChildLauncher() {

			@Override
			public Process launch(ReexecCommand command, Map<String, String> environment) throws IOException {
				ProcessBuilder builder = new ProcessBuilder("sh", "-c", shellScript).inheritIO();
				builder.environment().putAll(environment);
				ReloadCoordinatorTests.this.controlSocket = Path.of(environment.get("ZERODOWNTIME_CONTROL_SOCKET")).getParent();
				if (ReloadCoordinatorTests.this.launchFailure != null) {
					throw ReloadCoordinatorTests.this.launchFailure;
				}
				if (ReloadCoordinatorTests.this.launchError != null) {
					throw ReloadCoordinatorTests.this.launchError;
				}
				ReloadCoordinatorTests.this.child = builder.start();
				return ReloadCoordinatorTests.this.child;
			}

		};
		ReloadCoordinator reloader = new ReloadCoordinator(this.generation, HandoffMode.REUSEPORT, startupTimeout, launcher,
				(report, child) -> {
					this.controlSocketAtHandover = Files.exists(this.controlSocket);
					this.handedOver.set(report);
					if (this.handoverFailure != null) {
						throw this.handoverFailure;
					}
					return this.resumeReason;
				}, preflightChecks, this.recordingBackgroundWork, Duration.ofSeconds(5));
		reloader.addListener(this.recorder);
		return reloader;
	}

	private static ReloadStatus awaitState(ReloadCoordinator reloader, ReloadState state) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (reloader.status().state() != state && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(reloader.status().state()).isEqualTo(state);
		return reloader.status();
	}

}
