package io.zerodowntime.harness;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: N clients, each sending {@code GET /} as fast as answers come back,
 * either on a new connection per request or on a kept-alive connection. Nothing is ever
 * retried: a connect error, reset, early close, timeout or non-200 answer is a failure,
 * counted and kept for the report. A keep-alive client opens a new connection only after
 * the server said {@code Connection: close} on a response it delivered.
 */
public final class LoadGenerator implements AutoCloseable {

	public enum Mode {

		NEW_CONNECTION, KEEP_ALIVE

	}

	private final int port;

	private final Mode mode;

	private final List<Thread> clients = new ArrayList<>();

	private final AtomicLong successes = new AtomicLong();

	private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

	private final Map<Long, AtomicLong> servedBy = new ConcurrentHashMap<>();

	private final Duration pause;

	private final String path;

	private volatile boolean running = true;

	private LoadGenerator(int port, Mode mode, Duration pause, String path) {
		this.port = port;
		this.mode = mode;
		this.pause = pause;
		this.path = path;
	}

	/**
	 * Pause of a client between two requests in the tests: 40 paced clients send about
	 * 1,600 requests/s on two cores, so that every millisecond of a handover still sees
	 * new requests, while a starting generation gets enough CPU to start in about 14 s
	 * instead of 50 to 80 s under {@link #SATURATING} load. Saturation is measured by the
	 * benchmarks, not needed to prove that nothing fails.
	 */
	public static final Duration PACED = Duration.ofMillis(20);

	/**
	 * Pause of a client that sends as fast as it is answered (benchmarks).
	 */
	public static final Duration SATURATING = Duration.ofMillis(1);

	/**
	 * Start {@link #PACED} clients.
	 */
	public static LoadGenerator start(int port, Mode mode, int clients, ThreadFactory threads) {
		return start(port, mode, clients, threads, PACED);
	}

	/**
	 * Start clients that pause this long between requests.
	 */
	public static LoadGenerator start(int port, Mode mode, int clients, ThreadFactory threads, Duration pause) {
		return start(port, mode, clients, threads, pause, "/");
	}

	/**
	 * Start clients that request another path than {@code /}.
	 */
	public static LoadGenerator start(int port, Mode mode, int clients, ThreadFactory threads, Duration pause, String path) {
		LoadGenerator load = new LoadGenerator(port, mode, pause, path);
		for (int i = 0; i < clients; i++) {
			Thread client = threads.newThread(load::run);
			client.setName("load-" + port + "-" + mode + "-" + i);
			client.setDaemon(true);
			load.clients.add(client);
			client.start();
		}
		return load;
	}

	private void run() {
		Socket socket = null;
		while (this.running) {
			try {
				if (socket == null) {
					socket = HttpExchange.connect(this.port);
				}
				HttpExchange.Response response = HttpExchange.send(socket, "GET", this.path, this.mode == Mode.KEEP_ALIVE);
				if (response.status() != 200) {
					String body = response.body();
					fail("status " + response.status() + " " + body.substring(0, Math.min(body.length(), 200)));
				}
				else {
					this.successes.incrementAndGet();
					this.servedBy.computeIfAbsent(response.servedBy(), (pid) -> new AtomicLong()).incrementAndGet();
				}
				if (this.mode == Mode.NEW_CONNECTION || response.connectionClose()) {
					close(socket);
					socket = null;
				}
			}
			catch (IOException | RuntimeException ex) {
				fail(describe(ex));
				close(socket);
				socket = null;
			}
			sleep(this.pause);
		}
		close(socket);
	}

	private static String describe(Exception ex) {
		String kind;
		if (ex instanceof ConnectException) {
			kind = "connect";
		}
		else if (ex instanceof SocketTimeoutException) {
			kind = "timeout";
		}
		else if (ex instanceof EOFException) {
			kind = "eof";
		}
		else if (ex instanceof SocketException && String.valueOf(ex.getMessage()).contains("reset")) {
			kind = "reset";
		}
		else {
			kind = "error";
		}
		return kind + ": " + ex;
	}

	private void fail(String description) {
		this.failures.add(System.currentTimeMillis() + " " + Thread.currentThread().getName() + " " + description);
	}

	private static void close(Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already counted if it mattered
			}
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Wait until this load has had at least {@code count} successful requests.
	 * @throws IllegalStateException if it has not within a minute
	 */
	public void awaitSuccesses(long count) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (successes() < count && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		if (successes() < count) {
			throw new IllegalStateException("only " + successes() + " of " + count + " requests succeeded: "
					+ describe());
		}
	}

	public long successes() {
		return this.successes.get();
	}

	/**
	 * What this load requests, for reports.
	 */
	public String describe() {
		return this.mode + " clients on port " + this.port + this.path;
	}

	public List<String> failures() {
		return List.copyOf(this.failures);
	}

	public Set<Long> servingPids() {
		return Set.copyOf(this.servedBy.keySet());
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread client : this.clients) {
			client.join(HttpExchange.READ_TIMEOUT_MS + 5_000);
		}
	}

}
