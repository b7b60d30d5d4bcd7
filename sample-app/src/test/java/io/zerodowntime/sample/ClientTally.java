package io.zerodowntime.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.zerodowntime.harness.HttpExchange;

/**
 * What a test's third-party clients got: answers, which pid gave them and when it gave the
 * first one, and failures with when and on which thread they happened.
 */
final class ClientTally {

	private final String what;

	private final AtomicLong answers = new AtomicLong();

	private final Map<Long, Long> firstAnsweredAt = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

	/**
	 * Create a new instance.
	 * @param what what an answer is, for messages ("requests", "echoes", "ticks")
	 */
	ClientTally(String what) {
		this.what = what;
	}

	/**
	 * Count an answer, from the pid its text names.
	 */
	void answered(String text) {
		this.answers.incrementAndGet();
		this.firstAnsweredAt.putIfAbsent(HttpExchange.servedBy(text), System.currentTimeMillis());
	}

	void fail(String description) {
		this.failures.add(System.currentTimeMillis() + " " + Thread.currentThread().getName() + " " + description);
	}

	/**
	 * Wait until there have been at least {@code count} answers.
	 * @throws IllegalStateException if there have not within a minute
	 */
	void awaitAnswers(long count) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (this.answers.get() < count && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		if (this.answers.get() < count) {
			throw new IllegalStateException("only " + this.answers.get() + " of " + count + " " + this.what
					+ "; failures: " + failures());
		}
	}

	long answers() {
		return this.answers.get();
	}

	List<String> failures() {
		return List.copyOf(this.failures);
	}

	Set<Long> servingPids() {
		return Set.copyOf(this.firstAnsweredAt.keySet());
	}

	/**
	 * When the process first answered, in milliseconds since the epoch, or -1 if it has not.
	 */
	long firstAnsweredAt(long pid) {
		return this.firstAnsweredAt.getOrDefault(pid, -1L);
	}

}
