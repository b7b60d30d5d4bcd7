package io.zerodowntime.internal.tomcat;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Turns at the TLS handshake computations of an endpoint: at most a few at a time, and
 * among those that wait, the oldest connection first. A connection's handshake needs more
 * than one computation (the client's hello, later its finish); serving connections rather
 * than computations in order lets the first connections complete before the later ones
 * start, instead of every finish waiting behind every hello that came in meanwhile.
 *
 * @author zerodowntime
 */
final class HandshakeTurns {

	private final ReentrantLock lock = new ReentrantLock();

	private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(Comparator.comparingLong(Waiter::connection));

	private final int concurrency;

	private int running;

	private long turnsTaken;

	private long lastConnection;

	/**
	 * Create turns for this many computations at a time.
	 * @param concurrency how many computations may run at once, at least one
	 */
	HandshakeTurns(int concurrency) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
		}
		this.concurrency = concurrency;
	}

	/**
	 * Number a new connection: the lower the number, the earlier its turns.
	 * @return the connection's number
	 */
	long nextConnection() {
		this.lock.lock();
		try {
			return ++this.lastConnection;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wait for a turn, then run the computation.
	 * @param <T> what the computation returns
	 * @param connection the number of the connection whose computation it is
	 * @param computation what to run
	 * @return what the computation returned
	 */
	<T> T take(long connection, Supplier<T> computation) {
		awaitTurn(connection);
		try {
			return computation.get();
		}
		finally {
			endTurn();
		}
	}

	private void awaitTurn(long connection) {
		this.lock.lock();
		try {
			this.turnsTaken++;
			if (this.running < this.concurrency) {
				this.running++;
				return;
			}
			Waiter waiter = new Waiter(connection, this.lock.newCondition());
			this.waiting.add(waiter);
			// uninterruptibly: the turn comes once the computations ahead end, and giving
			// up on it would fail the handshake
			while (!waiter.granted) {
				waiter.turn.awaitUninterruptibly();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void endTurn() {
		this.lock.lock();
		try {
			Waiter next = this.waiting.poll();
			if (next == null) {
				this.running--;
			}
			else {
				// the turn passes on: running stays the same
				next.granted = true;
				next.turn.signal();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	long turnsTaken() {
		this.lock.lock();
		try {
			return this.turnsTaken;
		}
		finally {
			this.lock.unlock();
		}
	}

	int waitingCount() {
		this.lock.lock();
		try {
			return this.waiting.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	private static final class Waiter {

		private final long connection;

		private final Condition turn;

		private boolean granted;

		Waiter(long connection, Condition turn) {
			this.connection = connection;
			this.turn = turn;
		}

		long connection() {
			return this.connection;
		}

	}

}
