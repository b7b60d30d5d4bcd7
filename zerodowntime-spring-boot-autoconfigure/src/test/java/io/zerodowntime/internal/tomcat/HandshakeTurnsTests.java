package io.zerodowntime.internal.tomcat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HandshakeTurns}, with real threads.
 */
class HandshakeTurnsTests {

	private final List<Thread> threads = new ArrayList<>();

	@AfterEach
	void stopThreads() throws InterruptedException {
		for (Thread thread : this.threads) {
			thread.interrupt();
			thread.join(TimeUnit.SECONDS.toMillis(10));
		}
	}

	@Test
	void theOldestConnectionWaitingHasTheNextTurn() throws Exception {
		HandshakeTurns turns = new HandshakeTurns(1);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		start(() -> turns.take(10, () -> {
			running.countDown();
			await(release);
			return null;
		}));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		List<Long> order = Collections.synchronizedList(new ArrayList<>());
		for (long connection : new long[] { 3, 1, 2 }) {
			start(() -> turns.take(connection, () -> order.add(connection)));
			// in this order: a first-come order would be 3, 1, 2
			long waiting = this.threads.size() - 1;
			awaitTrue(() -> turns.waitingCount() == waiting);
		}
		release.countDown();
		joinAll();
		assertThat(order).containsExactly(1L, 2L, 3L);
		assertThat(turns.turnsTaken()).isEqualTo(4);
	}

	@Test
	void noMoreComputationsRunAtOnceThanTheConcurrency() throws Exception {
		HandshakeTurns turns = new HandshakeTurns(2);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		Semaphore proceed = new Semaphore(0);
		for (int i = 0; i < 8; i++) {
			long connection = i;
			start(() -> turns.take(connection, () -> {
				mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
				proceed.acquireUninterruptibly();
				return running.decrementAndGet();
			}));
		}
		awaitTrue(() -> turns.waitingCount() == 6 && running.get() == 2);
		proceed.release(8);
		joinAll();
		assertThat(mostAtOnce).hasValue(2);
		assertThat(turns.waitingCount()).isZero();
		assertThat(turns.turnsTaken()).isEqualTo(8);
	}

	@Test
	void aComputationThatFailsEndsItsTurn() throws Exception {
		HandshakeTurns turns = new HandshakeTurns(1);
		start(() -> turns.take(1, () -> {
			throw new IllegalStateException("failed");
		}));
		joinAll();
		assertThat(turns.take(2, () -> "next")).isEqualTo("next");
	}

	@Test
	void aConcurrencyBelowOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HandshakeTurns(0));
	}

	private void start(Runnable task) {
		Thread thread = new Thread(() -> {
			try {
				task.run();
			}
			catch (IllegalStateException ex) {
				// the failing computation of the test
			}
		});
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private void joinAll() throws InterruptedException {
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.SECONDS.toMillis(10));
			assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
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

	private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("condition met within 10 s").isNegative();
			Thread.sleep(5);
		}
	}

}
