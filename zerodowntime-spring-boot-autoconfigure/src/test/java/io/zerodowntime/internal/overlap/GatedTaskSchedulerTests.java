package io.zerodowntime.internal.overlap;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GatedTaskScheduler}, on a real {@link ThreadPoolTaskScheduler}.
 */
class GatedTaskSchedulerTests {

	private final ThreadPoolTaskScheduler target = new ThreadPoolTaskScheduler();

	GatedTaskSchedulerTests() {
		this.target.setPoolSize(2);
		this.target.initialize();
	}

	@AfterEach
	void shutdown() {
		this.target.shutdown();
	}

	@Test
	void aClosedGateRunsNothingAndOpeningItStartsTheScheduleFromThen() throws Exception {
		GatedTaskScheduler scheduler = new GatedTaskScheduler(this.target, false);
		List<Long> runs = new CopyOnWriteArrayList<>();
		// due long ago: without the gate it would run (and catch up) at once
		scheduler.scheduleAtFixedRate(() -> runs.add(System.nanoTime()), Instant.now().minusSeconds(60),
				Duration.ofMillis(20));
		Thread.sleep(300);
		assertThat(runs).as("runs while closed").isEmpty();
		long openedAt = System.nanoTime();
		scheduler.open();
		awaitSize(runs, 3);
		assertThat(runs.get(0)).isGreaterThanOrEqualTo(openedAt);
		// a fixed rate from the opening, no burst of the runs missed while closed
		assertThat(runs.get(2) - runs.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
	}

	@Test
	void closingWaitsForTheRunInProgressAndNothingRunsAfter() throws Exception {
		GatedTaskScheduler scheduler = new GatedTaskScheduler(this.target, true);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		scheduler.scheduleWithFixedDelay(() -> {
			runs.incrementAndGet();
			running.countDown();
			await(release);
		}, Duration.ofMillis(10));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> close(scheduler, Duration.ofSeconds(30)));
		Thread.sleep(200);
		assertThat(closed).as("close waits for the run in progress").isNotDone();
		release.countDown();
		assertThat(closed.get(10, TimeUnit.SECONDS)).isTrue();
		int afterClose = runs.get();
		Thread.sleep(200);
		assertThat(runs.get()).as("runs after close").isEqualTo(afterClose);
	}

	@Test
	void closingGivesUpAfterItsTimeoutWhenARunDoesNotEnd() throws Exception {
		GatedTaskScheduler scheduler = new GatedTaskScheduler(this.target, true);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		scheduler.schedule(() -> {
			running.countDown();
			await(release);
		}, Instant.now());
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		try {
			assertThat(scheduler.close(Duration.ofMillis(100))).isFalse();
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void reopeningSchedulesPeriodicTasksAgainButNotAOneShotThatRan() throws Exception {
		GatedTaskScheduler scheduler = new GatedTaskScheduler(this.target, true);
		AtomicInteger once = new AtomicInteger();
		List<Long> periodic = new CopyOnWriteArrayList<>();
		ScheduledFuture<?> oneShot = scheduler.schedule(once::incrementAndGet, Instant.now());
		scheduler.scheduleAtFixedRate(() -> periodic.add(System.nanoTime()), Duration.ofMillis(10));
		awaitSize(periodic, 2);
		assertThat(oneShot.get(10, TimeUnit.SECONDS)).isNull();
		assertThat(scheduler.close(Duration.ofSeconds(10))).isTrue();
		int beforeReopen = periodic.size();
		scheduler.open();
		awaitSize(periodic, beforeReopen + 2);
		assertThat(once).hasValue(1);
	}

	@Test
	void aTaskCancelledWhileClosedIsNeverScheduled() throws Exception {
		GatedTaskScheduler scheduler = new GatedTaskScheduler(this.target, false);
		AtomicInteger runs = new AtomicInteger();
		ScheduledFuture<?> future = scheduler.scheduleAtFixedRate(runs::incrementAndGet, Duration.ofMillis(10));
		assertThat(future.cancel(false)).isTrue();
		assertThat(future.isCancelled()).isTrue();
		scheduler.open();
		Thread.sleep(200);
		assertThat(runs).hasValue(0);
	}

	private static boolean close(GatedTaskScheduler scheduler, Duration timeout) {
		try {
			return scheduler.close(timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void awaitSize(List<?> list, int size) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (list.size() < size && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(list).hasSizeGreaterThanOrEqualTo(size);
	}

}
