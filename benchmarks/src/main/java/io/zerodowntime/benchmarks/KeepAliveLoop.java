package io.zerodowntime.benchmarks;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.zerodowntime.harness.HttpExchange;

/**
 * One closed-loop keep-alive client: {@code GET /} again and again on one connection (a new
 * one after {@code Connection: close} or an error) for as long as it should go on. Each
 * {@code 200} answer is told with when it was sent and received; anything else counts as a
 * failure.
 */
final class KeepAliveLoop {

	private KeepAliveLoop() {
	}

	static void run(int port, BooleanSupplier goOn, Answers answers, AtomicLong failures) {
		Socket socket = null;
		while (goOn.getAsBoolean()) {
			long sent = System.nanoTime();
			try {
				if (socket == null) {
					socket = HttpExchange.connect(port);
				}
				HttpExchange.Response response = HttpExchange.send(socket, "GET", "/", true);
				long received = System.nanoTime();
				if (response.status() != 200) {
					failures.incrementAndGet();
				}
				else {
					answers.answered(sent, received, response);
				}
				if (response.connectionClose()) {
					socket.close();
					socket = null;
				}
			}
			catch (IOException ex) {
				failures.incrementAndGet();
				socket = null;
			}
		}
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// done anyway
			}
		}
	}

	/**
	 * The value at a fraction of sorted nanoseconds, in milliseconds.
	 */
	static double percentileMillis(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		return sorted[Math.min(sorted.length - 1, (int) (sorted.length * fraction))] / 1e6;
	}

	/**
	 * Told each successful answer.
	 */
	@FunctionalInterface
	interface Answers {

		void answered(long sentNanos, long receivedNanos, HttpExchange.Response response);

	}

}
