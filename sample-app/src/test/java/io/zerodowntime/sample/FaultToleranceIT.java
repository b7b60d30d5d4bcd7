package io.zerodowntime.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults during a reload on one service in the default ({@code inherit}) mode, under load
 * from 20 clients opening a new connection per request and 20 keep-alive clients. Each
 * fault is a test of its own, run in order on the same service: one that fails does not
 * hide the others, since each starts from whichever generation serves once no reload is
 * under way. Each fault ends in a clear state with its reason; a fault that kills a
 * process can only fail the requests that process had in flight, which are counted and
 * reported.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

	private static final int CLIENTS = 20;

	private static final Pattern REASON = Pattern.compile("\"reason\":\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Pattern REJECTED = Pattern.compile("\"rejected\":(\\d+)");

	private static final Pattern BUSY = Pattern.compile("\"state\":\"(STARTING|HANDING_OVER|DRAINING)\"");

	@TempDir
	static Path temp;

	private TestNetwork network;

	private SampleProcesses processes;

	private ServiceUnderTest service;

	private LoadGenerator fresh;

	private LoadGenerator keepAlive;

	private Path extraConfig;

	private long pid;

	private int failuresBeforeAnyKill;

	private final List<String> report = new ArrayList<>();

	private long rejectedByOldGeneration;

	@BeforeAll
	void startTheServiceUnderLoad() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		this.extraConfig = temp.resolve("extra.properties");
		this.network = handoff.network();
		this.processes = new SampleProcesses(temp, this.network);
		this.service = new ServiceUnderTest(this.network, this.processes, port);
		this.pid = this.service.start(handoff.argument(), "--zerodowntime.startup-timeout=90s",
				"--zerodowntime.drain-timeout=12s", "--spring.config.import=optional:file:" + this.extraConfig);
		this.fresh = LoadGenerator.start(port, Mode.NEW_CONNECTION, CLIENTS, this.network.threads());
		this.keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, CLIENTS, this.network.threads());
		this.fresh.awaitSuccesses(300);
		this.keepAlive.awaitSuccesses(300);
		this.failuresBeforeAnyKill = failures();
	}

	/**
	 * Start each fault from the generation that serves, once no reload is under way and it
	 * is the only process left, whatever the fault before it did.
	 */
	@BeforeEach
	void awaitOneIdleGeneration() throws Exception {
		long deadline = System.nanoTime() + ServiceUnderTest.RELOAD_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			long serving = this.service.readPidFile();
			String status = this.service.get("/actuator/reload").body();
			if (!BUSY.matcher(status).find() && this.processes.generationPids().equals(List.of(serving))) {
				this.pid = serving;
				return;
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("no single idle generation; live " + this.processes.generationPids() + "; log:\n"
				+ this.processes.logText());
	}

	@AfterAll
	void stopEverything() throws Exception {
		try {
			if (this.fresh != null) {
				this.fresh.close();
			}
			if (this.keepAlive != null) {
				this.keepAlive.close();
			}
			this.report.forEach((line) -> System.out.println("[faults] " + line));
			if (this.fresh != null && this.keepAlive != null) {
				System.out.println("[faults] " + (this.fresh.successes() + this.keepAlive.successes())
						+ " requests, failed: " + this.fresh.failures() + " " + this.keepAlive.failures());
			}
		}
		finally {
			if (this.processes != null) {
				this.processes.close();
			}
			if (this.network != null) {
				this.network.close();
			}
		}
	}

	/**
	 * A child that never becomes healthy is stopped at the startup timeout.
	 */
	@Test
	@Order(1)
	void aHungChildIsStoppedAtTheStartupTimeout() throws Exception {
		Files.writeString(this.extraConfig, "sample.startup-delay=10m\n");
		try {
			assertThat(awaitFailedReload(this.pid)).contains("did not become healthy within PT1M30S");
		}
		finally {
			Files.deleteIfExists(this.extraConfig);
		}
	}

	@Test
	@Order(2)
	void aSignalStormStartsOneChild() throws Exception {
		signalStorm(this.pid);
	}

	@Test
	@Order(3)
	void concurrentEndpointCallsStartOneChild() throws Exception {
		concurrentEndpointCalls(this.pid);
	}

	@Test
	@Order(4)
	void aTriggerWhileDrainingIsRefusedAndTheDrainStopsAtItsBound() throws Exception {
		triggerWhileDrainingIsRefusedAndDrainStopsAtItsBound(this.network, this.pid);
	}

	@Test
	@Order(5)
	void aChildKilledAfterReadyBeforeTakeoverIsRolledBack() throws Exception {
		childKilledAfterReadyBeforeTakeover(this.pid);
	}

	@Test
	@Order(6)
	void noRequestFailedBeforeAnyProcessWasKilled() {
		assertThat(failures()).as("failures before any process was killed; %s %s", this.fresh.failures(),
				this.keepAlive.failures())
			.isEqualTo(this.failuresBeforeAnyKill);
	}

	@Test
	@Order(7)
	void aNewGenerationThatDiesWhileTheOldDrainsLeavesTheOldServing() throws Exception {
		newGenerationDiesWhileOldDrains(this.network, this.pid, this.fresh, this.keepAlive);
	}

	@Test
	@Order(8)
	void aParentKilledAfterItsChildIsReadyLeavesTheChildServing() throws Exception {
		parentKilledAfterChildReady(this.pid, this.fresh, this.keepAlive);
	}

	@Test
	@Order(9)
	void theServingGenerationIsAloneAndInThePidFile() throws Exception {
		this.fresh.awaitSuccesses(this.fresh.successes() + 200);
		assertThat(this.processes.generationPids()).containsExactly(this.pid);
		assertThat(this.service.readPidFile()).isEqualTo(this.pid);
	}

	/**
	 * Twenty signals within 200 ms start one child; the others are refused and counted.
	 */
	private long signalStorm(long pid) throws Exception {
		long triggeredAt = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			SampleProcesses.signal(pid, "USR2");
			Thread.sleep(5);
		}
		this.rejectedByOldGeneration = awaitRejectedTriggersSettle();
		Set<Long> seen = new TreeSet<>(this.processes.generationPids());
		ServiceUnderTest.Handover handover = awaitHandoverWatchingProcesses(pid, triggeredAt, seen);
		assertThat(seen).as("processes during the storm").containsExactlyInAnyOrder(pid, handover.newPid());
		long rejected = this.rejectedByOldGeneration;
		// the kernel merges a signal into one still pending, so fewer than 20 may arrive
		assertThat(rejected).as("signals refused and counted").isBetween(1L, 19L);
		this.report.add("signal storm: 20 signals sent, 1 child, " + rejected + " refused and counted");
		return handover.newPid();
	}

	/**
	 * Ten simultaneous endpoint calls: one 202, nine 409.
	 */
	private long concurrentEndpointCalls(long pid) throws Exception {
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<HttpExchange.Response>> calls = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			calls.add(this.service.async(() -> {
				go.await();
				return HttpExchange.send(this.service.port(), "POST", "/actuator/reload");
			}));
		}
		long triggeredAt = System.nanoTime();
		go.countDown();
		List<Integer> statuses = new ArrayList<>();
		for (CompletableFuture<HttpExchange.Response> call : calls) {
			statuses.add(call.get(30, TimeUnit.SECONDS).status());
		}
		Set<Long> seen = new TreeSet<>(this.processes.generationPids());
		ServiceUnderTest.Handover handover = awaitHandoverWatchingProcesses(pid, triggeredAt, seen);
		assertThat(statuses).filteredOn((status) -> status == 202).hasSize(1);
		assertThat(statuses).filteredOn((status) -> status == 409).hasSize(9);
		assertThat(seen).containsExactlyInAnyOrder(pid, handover.newPid());
		this.report.add("10 concurrent POSTs: statuses " + statuses);
		return handover.newPid();
	}

	/**
	 * A generation that has handed over and is still draining refuses a trigger; a request
	 * longer than the drain timeout is cut off at the bound, and the log says so.
	 */
	private long triggerWhileDrainingIsRefusedAndDrainStopsAtItsBound(TestNetwork network, long pid)
			throws Exception {
		long triggeredAt = System.nanoTime();
		long child = ServiceUnderTest.childPid(this.service.post("/actuator/reload"));
		CompletableFuture<HttpExchange.Response> slow = network
			.async(() -> HttpExchange.send(this.service.port(), "GET", "/slow?ms=120000"));
		awaitPidFile(child);
		// the PID file names the child a moment before the parent moves on to draining
		awaitLog((line) -> line.contains(" " + pid + " --- ") && line.contains("Stopped accepting; draining"));
		SampleProcesses.signal(pid, "USR2");
		awaitLog((line) -> line.contains(" " + pid + " --- ") && line.contains("SIGUSR2 ignored")
				&& line.contains("draining"));
		ServiceUnderTest.Handover handover = this.service.awaitHandover(pid, triggeredAt);
		awaitLog((line) -> line.contains(" " + pid + " --- ") && line.contains("Drain timeout PT12S reached")
				&& line.contains("1 of them with a request in progress"));
		assertThat(slow).failsWithin(Duration.ofSeconds(30));
		assertThat(handover.newPidServingToOldPidGone()).as("old generation's exit bounded by the drain timeout")
			.isLessThan(Duration.ofSeconds(25));
		this.report.add("trigger while draining: refused by pid " + pid + "; drain bound: old pid exited "
				+ handover.newPidServingToOldPidGone().toMillis() + " ms after the handover, cutting off /slow");
		return child;
	}

	/**
	 * The child is killed after it reported ready, before it took over (the parent is
	 * frozen meanwhile so that the kill falls in that window): the parent rolls back.
	 */
	private long childKilledAfterReadyBeforeTakeover(long pid) throws Exception {
		long child = ServiceUnderTest.childPid(this.service.post("/actuator/reload"));
		SampleProcesses.signal(pid, "STOP");
		try {
			awaitLog((line) -> line.contains(" " + child + " --- ") && line.contains("Reported ready to parent"));
			SampleProcesses.signal(child, "KILL");
			assertThat(SampleProcesses.awaitExit(child, Duration.ofSeconds(10))).isTrue();
		}
		finally {
			SampleProcesses.signal(pid, "CONT");
		}
		String reason = awaitStatus("\"state\":\"FAILED\"");
		assertThat(this.service.get("/").servedBy()).isEqualTo(pid);
		assertThat(this.service.readPidFile()).isEqualTo(pid);
		this.report.add("child killed after ready: rolled back, reason: " + reason);
		return pid;
	}

	/**
	 * The new generation dies right after taking over while the old one still drains: the
	 * old one accepts again and stays the serving generation.
	 */
	private long newGenerationDiesWhileOldDrains(TestNetwork network, long pid, LoadGenerator fresh,
			LoadGenerator keepAlive) throws Exception {
		long child = ServiceUnderTest.childPid(this.service.post("/actuator/reload"));
		CompletableFuture<HttpExchange.Response> slow = network
			.async(() -> HttpExchange.sendSlow(this.service.port(), "GET", "/slow?ms=60000", Duration.ofSeconds(120)));
		awaitPidFile(child);
		int failuresBefore = failures(fresh, keepAlive);
		SampleProcesses.signal(child, "KILL");
		awaitPidFile(pid);
		String reason = awaitStatus("\"state\":\"FAILED\"");
		assertThat(reason).contains("while this generation was still draining");
		assertThat(slow.get(90, TimeUnit.SECONDS).status()).as("request in flight on the old generation").isEqualTo(200);
		fresh.awaitSuccesses(fresh.successes() + 500);
		assertThat(this.service.get("/").servedBy()).isEqualTo(pid);
		int lost = failures(fresh, keepAlive) - failuresBefore;
		assertThat(lost).as("requests lost with the killed generation").isLessThanOrEqualTo(2 * CLIENTS);
		this.report.add("new generation killed while old drained: old resumed; " + lost
				+ " request(s) in flight on the killed process failed; reason: " + reason);
		return pid;
	}

	/**
	 * The parent is killed once the child has reported ready: the child carries on.
	 */
	private long parentKilledAfterChildReady(long pid, LoadGenerator fresh, LoadGenerator keepAlive)
			throws Exception {
		long child = ServiceUnderTest.childPid(this.service.post("/actuator/reload"));
		SampleProcesses.signal(pid, "STOP");
		int failuresBefore = failures(fresh, keepAlive);
		awaitLog((line) -> line.contains(" " + child + " --- ") && line.contains("Reported ready to parent"));
		SampleProcesses.signal(pid, "KILL");
		assertThat(SampleProcesses.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
		awaitPidFile(child);
		fresh.awaitSuccesses(fresh.successes() + 500);
		assertThat(this.service.get("/").servedBy()).isEqualTo(child);
		int lost = failures(fresh, keepAlive) - failuresBefore;
		assertThat(lost).as("requests lost with the killed parent").isLessThanOrEqualTo(2 * CLIENTS);
		this.report.add("parent killed after child ready: child " + child + " took over; " + lost
				+ " request(s) in flight on the killed parent failed");
		return child;
	}

	private ServiceUnderTest.Handover awaitHandoverWatchingProcesses(long pid, long triggeredAt, Set<Long> seen)
			throws Exception {
		CompletableFuture<ServiceUnderTest.Handover> handover = CompletableFuture.supplyAsync(() -> {
			try {
				return this.service.awaitHandover(pid, triggeredAt);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		while (!handover.isDone()) {
			seen.addAll(this.processes.generationPids());
			Thread.sleep(50);
		}
		return handover.get();
	}

	private String awaitFailedReload(long pid) throws Exception {
		long child = ServiceUnderTest.childPid(this.service.post("/actuator/reload"));
		String reason = awaitStatus("\"state\":\"FAILED\"");
		assertThat(SampleProcesses.awaitExit(child, Duration.ofSeconds(30))).isTrue();
		assertThat(this.service.get("/").servedBy()).isEqualTo(pid);
		this.report.add("hung child: " + reason);
		return reason;
	}

	private String awaitStatus(String expected) throws Exception {
		long deadline = System.nanoTime() + ServiceUnderTest.RELOAD_TIMEOUT.toNanos();
		String status = this.service.get("/actuator/reload").body();
		while (!status.contains(expected) && System.nanoTime() < deadline) {
			Thread.sleep(200);
			status = this.service.get("/actuator/reload").body();
		}
		assertThat(status).contains(expected);
		Matcher reason = REASON.matcher(status);
		return reason.find() ? reason.group(1) : "";
	}

	/**
	 * The old generation's count of refused triggers once the signal dispatcher has
	 * handled every signal that arrived.
	 */
	private long awaitRejectedTriggersSettle() throws Exception {
		long previous = -1;
		long current = rejectedTriggers();
		while (current != previous) {
			Thread.sleep(1000);
			previous = current;
			current = rejectedTriggers();
		}
		return current;
	}

	private long rejectedTriggers() throws Exception {
		Matcher matcher = REJECTED.matcher(this.service.get("/actuator/reload").body());
		assertThat(matcher.find()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private void awaitPidFile(long pid) throws InterruptedException {
		long deadline = System.nanoTime() + ServiceUnderTest.RELOAD_TIMEOUT.toNanos();
		while (this.service.readPidFile() != pid && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.service.readPidFile()).as("PID file; log:\n%s", this.processes.logText()).isEqualTo(pid);
	}

	private void awaitLog(Predicate<String> line) throws InterruptedException {
		assertThat(this.processes.awaitLogLine(line, ServiceUnderTest.RELOAD_TIMEOUT))
			.as("log:\n%s", this.processes.logText())
			.isTrue();
	}

	private int failures() {
		return failures(this.fresh, this.keepAlive);
	}

	private static int failures(LoadGenerator... loads) {
		int failures = 0;
		for (LoadGenerator load : loads) {
			failures += load.failures().size();
		}
		return failures;
	}

}
