package io.zerodowntime.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;


/**
 * Closed-loop keep-alive clients that measure throughput and latency for a fixed time,
 * after a warm-up. Each client keeps its own latencies, so that recording costs no lock.
 */
final class LatencyLoad {

	private final int port;

	private final int clients;

	private final ThreadFactory threads;

	LatencyLoad(int port, int clients, ThreadFactory threads) {
		this.port = port;
		this.clients = clients;
		this.threads = threads;
	}

	Result measure(Duration warmUp, Duration duration) throws InterruptedException {
		long start = System.nanoTime();
		long measureFrom = start + warmUp.toNanos();
		long end = measureFrom + duration.toNanos();
		AtomicLong failures = new AtomicLong();
		List<long[]> latencies = new ArrayList<>();
		List<int[]> counts = new ArrayList<>();
		List<Thread> running = new ArrayList<>();
		for (int i = 0; i < this.clients; i++) {
			long[] recorded = new long[4_000_000 / this.clients];
			int[] count = new int[1];
			latencies.add(recorded);
			counts.add(count);
			Thread client = this.threads.newThread(() -> run(measureFrom, end, recorded, count, failures));
			client.setDaemon(true);
			running.add(client);
			client.start();
		}
		for (Thread client : running) {
			client.join();
		}
		int total = counts.stream().mapToInt((count) -> count[0]).sum();
		long[] all = new long[total];
		int offset = 0;
		for (int i = 0; i < latencies.size(); i++) {
			System.arraycopy(latencies.get(i), 0, all, offset, counts.get(i)[0]);
			offset += counts.get(i)[0];
		}
		Arrays.sort(all);
		return new Result(total / (duration.toNanos() / 1e9), KeepAliveLoop.percentileMillis(all, 0.50),
				KeepAliveLoop.percentileMillis(all, 0.99),
				failures.get());
	}

	private void run(long measureFrom, long end, long[] recorded, int[] count, AtomicLong failures) {
		KeepAliveLoop.run(this.port, () -> System.nanoTime() < end, (sent, received, response) -> {
			if (sent >= measureFrom && count[0] < recorded.length) {
				recorded[count[0]++] = received - sent;
			}
		}, failures);
	}

	/**
	 * Requests per second and latency in milliseconds.
	 */
	record Result(double requestsPerSecond, double p50Millis, double p99Millis, long failures) {
	}

}
