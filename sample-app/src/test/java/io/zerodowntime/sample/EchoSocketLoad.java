package io.zerodowntime.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket clients of the sample's {@code /echo} endpoint, on the JDK's
 * {@link java.net.http.WebSocket}: each sends a message, waits for its echo, and sends the
 * next. When the server closes a connection, the client answers the close, connects again
 * and sends again the message that had no echo yet (it crossed the server's close). Every
 * close the server makes is counted by its status code; a connection that ends without a
 * close frame (1006), an error, or an echo that does not match is a failure.
 */
final class EchoSocketLoad implements AutoCloseable {

	private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(30);

	private final List<Thread> threads = new ArrayList<>();

	private final ClientTally tally = new ClientTally("echoes");

	private final AtomicLong unanswered = new AtomicLong();

	private final Map<Integer, AtomicLong> closeCodes = new ConcurrentHashMap<>();


	private final ExecutorService executor;

	private final HttpClient client;

	private final URI uri;

	private volatile boolean running = true;

	private EchoSocketLoad(int port, ThreadFactory threads) {
		this.executor = Executors.newCachedThreadPool(threads);
		this.client = HttpClient.newBuilder().executor(this.executor).build();
		this.uri = URI.create("ws://127.0.0.1:" + port + "/echo");
	}

	static EchoSocketLoad start(int port, int connections, Duration pause, ThreadFactory threads) {
		EchoSocketLoad load = new EchoSocketLoad(port, threads);
		for (int i = 0; i < connections; i++) {
			Thread thread = threads.newThread(() -> load.run(pause));
			thread.setName("websocket-" + i);
			thread.setDaemon(true);
			load.threads.add(thread);
		}
		load.threads.forEach(Thread::start);
		return load;
	}

	private void run(Duration pause) {
		long sequence = 0;
		while (this.running) {
			Listener listener = new Listener();
			WebSocket socket;
			try {
				socket = this.client.newWebSocketBuilder().buildAsync(this.uri, listener).get(30, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				this.tally.fail("connect: " + ex);
				sleep(pause);
				continue;
			}
			while (this.running && !listener.closed.isDone()) {
				String message = Thread.currentThread().getName() + "-" + sequence;
				CompletableFuture<String> echo = listener.expect();
				try {
					socket.sendText(message, true).get(30, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					// the server closed first: sent again on the next connection
				}
				Object outcome = listener.await(echo);
				if (outcome instanceof String text) {
					if (!text.endsWith(" echo=" + message)) {
						this.tally.fail("echo of " + message + " was " + text);
					}
					this.tally.answered(text);
					sequence++;
					sleep(pause);
				}
				else if (listener.closed.isDone()) {
					this.unanswered.incrementAndGet();
				}
				else {
					this.tally.fail("no echo of " + message + ": " + outcome);
					socket.abort();
					break;
				}
			}
			if (!this.running) {
				socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
			}
		}
	}



	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void awaitEchoes(long count) throws InterruptedException {
		this.tally.awaitAnswers(count);
	}

	long echoes() {
		return this.tally.answers();
	}

	/**
	 * How many messages crossed the server's close: sent before the client saw it, never
	 * answered, and sent again on the next connection.
	 */
	long unanswered() {
		return this.unanswered.get();
	}

	/**
	 * How many connections the server closed, by status code.
	 */
	Map<Integer, Long> closeCodes() {
		Map<Integer, Long> codes = new TreeMap<>();
		this.closeCodes.forEach((code, count) -> codes.put(code, count.get()));
		return codes;
	}

	Set<Long> servingPids() {
		return this.tally.servingPids();
	}

	List<String> failures() {
		return this.tally.failures();
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(ECHO_TIMEOUT.toMillis() + 10_000);
		}
		this.executor.shutdownNow();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

	/**
	 * One connection's listener: hands text messages to the message waiting for its echo,
	 * and counts the close.
	 */
	private final class Listener implements WebSocket.Listener {

		private final CompletableFuture<Integer> closed = new CompletableFuture<>();

		private volatile CompletableFuture<String> pending = new CompletableFuture<>();

		private final StringBuilder text = new StringBuilder();

		CompletableFuture<String> expect() {
			CompletableFuture<String> echo = new CompletableFuture<>();
			this.pending = echo;
			return echo;
		}

		/**
		 * Wait for the echo, or for the connection to end.
		 * @return the echo, or why there is none
		 */
		Object await(CompletableFuture<String> echo) {
			try {
				return CompletableFuture.anyOf(echo, this.closed).get(ECHO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				return ex;
			}
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.pending.complete(this.text.toString());
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			if (EchoSocketLoad.this.running) {
				EchoSocketLoad.this.closeCodes.computeIfAbsent(statusCode, (code) -> new AtomicLong())
					.incrementAndGet();
				if (statusCode != 1001) {
					EchoSocketLoad.this.tally.fail("closed with " + statusCode + " " + reason);
				}
			}
			this.closed.complete(statusCode);
			// answering the close lets the server end the connection cleanly
			return webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "");
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			if (EchoSocketLoad.this.running) {
				EchoSocketLoad.this.tally.fail("error: " + error);
			}
			this.closed.complete(-1);
		}

	}

}
