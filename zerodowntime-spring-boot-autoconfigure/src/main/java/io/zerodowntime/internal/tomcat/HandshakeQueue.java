package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The TLS handshakes of an endpoint, run a step at a time on a few threads of their own,
 * the oldest connection first, and each client's first connection before any client's
 * second (see {@link ClientHandshakes}); once a handshake is complete its connection goes
 * to Tomcat's workers. At a takeover every client reconnects to the new generation at once:
 * with each of hundreds of handshakes on a worker thread of its own, the cores are shared
 * among all of them and none completes before nearly all do, so no client is served for
 * seconds. In turn, the first clients are served within milliseconds and all of them in
 * about the same total time (nginx gets the same order from one event loop per core). The
 * workers are never taken by a handshake waiting its turn, so connections already open go
 * on being served meanwhile.
 *
 * @author zerodowntime
 */
final class HandshakeQueue {

	private final ThreadPoolExecutor threads;

	private final Workers workers;

	private final AtomicLong sequence = new AtomicLong();

	/**
	 * Start the threads.
	 * @param concurrency how many handshake steps run at once
	 * @param name the prefix of the threads' names
	 * @param workers where a connection goes once its handshake is complete or failed
	 */
	HandshakeQueue(int concurrency, String name, Workers workers) {
		AtomicInteger count = new AtomicInteger();
		this.threads = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new PriorityBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, name + "-handshake-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		// every step goes through the queue, and so in order, from the first
		this.threads.prestartAllCoreThreads();
		this.workers = workers;
	}

	/**
	 * Queue the next step of a connection's handshake, if the event is one and the
	 * handshake is not complete.
	 * @param connection the connection
	 * @param event what the poller saw
	 * @return whether the step was queued; if not, the event is Tomcat's to process
	 */
	boolean offer(SocketWrapperBase<NioChannel> connection, SocketEvent event) {
		if ((event != SocketEvent.OPEN_READ && event != SocketEvent.OPEN_WRITE)
				|| !(connection.getSocket() instanceof NumberedTlsChannel channel) || channel.isHandshakeComplete()) {
			return false;
		}
		try {
			run(channel.round(), channel.connection(), () -> handshake(connection, channel, event));
			return true;
		}
		catch (RejectedExecutionException ex) {
			// stopping: Tomcat's workers finish it
			return false;
		}
	}

	/**
	 * Run work for a connection in its turn.
	 * @param round the round of the connection's client
	 * @param connection the connection's number
	 * @param work what to run
	 * @throws RejectedExecutionException once closed
	 */
	void run(int round, long connection, Runnable work) {
		this.threads.execute(new Step(round, connection, this.sequence.incrementAndGet(), work));
	}

	private void handshake(SocketWrapperBase<NioChannel> connection, NumberedTlsChannel channel, SocketEvent event) {
		int next;
		// as Tomcat's own processing of a socket event: one thread at a time per connection
		synchronized (connection) {
			if (connection.isClosed()) {
				return;
			}
			try {
				next = channel.isHandshakeComplete() ? 0
						: channel.handshake(event == SocketEvent.OPEN_READ, event == SocketEvent.OPEN_WRITE);
			}
			catch (IOException | RuntimeException ex) {
				// a cancelled key, a malformed hello: Tomcat's workers close the connection
				next = -1;
			}
		}
		if (next == SelectionKey.OP_READ) {
			connection.registerReadInterest();
		}
		else if (next == SelectionKey.OP_WRITE) {
			connection.registerWriteInterest();
		}
		else {
			// complete: the first read is the workers'; failed: they report and close it
			channel.handshakeEnded();
			this.workers.process(connection, (next == 0) ? SocketEvent.OPEN_READ : SocketEvent.ERROR);
		}
	}

	long stepsTaken() {
		return this.threads.getCompletedTaskCount();
	}

	void close() {
		this.threads.shutdownNow();
	}

	/**
	 * Where a connection goes after its handshake.
	 */
	@FunctionalInterface
	interface Workers {

		void process(SocketWrapperBase<NioChannel> connection, SocketEvent event);

	}

	/**
	 * A step of a handshake: the lower its client's round, the sooner; then the lower the
	 * connection's number; in the order queued for the same connection.
	 */
	private record Step(int round, long connection, long sequence, Runnable work)
			implements Runnable, Comparable<Step> {

		@Override
		public void run() {
			this.work.run();
		}

		@Override
		public int compareTo(Step other) {
			int byRound = Integer.compare(this.round, other.round);
			if (byRound != 0) {
				return byRound;
			}
			int byConnection = Long.compare(this.connection, other.connection);
			return (byConnection != 0) ? byConnection : Long.compare(this.sequence, other.sequence);
		}

	}

}
