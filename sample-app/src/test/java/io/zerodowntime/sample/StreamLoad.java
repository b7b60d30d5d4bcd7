package io.zerodowntime.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Load from a third-party client: a number of client instances (one connection each for an
 * HTTP/2 client, which multiplexes), each used by several threads at once, so that every
 * connection carries that many concurrent streams. A request fails when the client throws
 * (a reset, a stream lost, a timeout; streams the client resent by itself are not seen) or
 * answers other than 200 over the expected protocol.
 */
final class StreamLoad implements AutoCloseable {

	private final String name;

	private final String expectedProtocol;

	private final String path;

	private final List<Thread> threads = new ArrayList<>();

	private final List<AutoCloseable> clients = new ArrayList<>();

	private final ClientTally tally = new ClientTally("requests");

	private volatile boolean running = true;

	private StreamLoad(String name, String expectedProtocol, String path) {
		this.name = name;
		this.expectedProtocol = expectedProtocol;
		this.path = path;
	}

	/**
	 * Start the load.
	 * @param name what the load is, for reports
	 * @param expectedProtocol the protocol every answer must come over, as the client
	 * names it
	 * @param connections how many client instances
	 * @param streams how many threads use each client at once
	 * @param pause how long each thread waits between two requests
	 * @param clientFactory makes one client instance
	 * @param threadFactory where the threads run (a network namespace, perhaps)
	 */
	static StreamLoad start(String name, String expectedProtocol, int connections, int streams, Duration pause,
			Supplier<Client> clientFactory, ThreadFactory threadFactory) {
		return start(name, expectedProtocol, "/", connections, streams, pause, clientFactory, threadFactory);
	}

	/**
	 * Start the load on a path of the sample's (one whose answer names the pid that served
	 * it).
	 */
	static StreamLoad start(String name, String expectedProtocol, String path, int connections, int streams,
			Duration pause, Supplier<Client> clientFactory, ThreadFactory threadFactory) {
		StreamLoad load = new StreamLoad(name, expectedProtocol, path);
		for (int c = 0; c < connections; c++) {
			Client client = clientFactory.get();
			load.clients.add(client);
			for (int s = 0; s < streams; s++) {
				Thread thread = threadFactory.newThread(() -> load.run(client, pause));
				thread.setName(name + "-" + load.threads.size());
				thread.setDaemon(true);
				load.threads.add(thread);
			}
		}
		load.threads.forEach(Thread::start);
		return load;
	}

	private void run(Client client, Duration pause) {
		while (this.running) {
			try {
				Answer answer = client.get(this.path);
				if (answer.status() != 200 || !this.expectedProtocol.equals(answer.protocol())) {
					this.tally.fail("status " + answer.status() + " over " + answer.protocol() + ": "
							+ answer.body().substring(0, Math.min(200, answer.body().length())));
				}
				else {
					this.tally.answered(answer.body());
				}
			}
			catch (Exception ex) {
				if (this.running) {
					this.tally.fail(ex.toString());
				}
			}
			try {
				Thread.sleep(pause.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/**
	 * Wait until this load has had at least {@code count} successful requests.
	 * @throws IllegalStateException if it has not within a minute
	 */
	void awaitSuccesses(long count) throws InterruptedException {
		this.tally.awaitAnswers(count);
	}

	long successes() {
		return this.tally.answers();
	}

	List<String> failures() {
		return this.tally.failures();
	}

	Set<Long> servingPids() {
		return this.tally.servingPids();
	}

	/**
	 * When this load first got an answer from the process, in milliseconds since the epoch.
	 */
	long firstServedAt(long pid) {
		return this.tally.firstAnsweredAt(pid);
	}

	String name() {
		return this.name;
	}

	@Override
	public void close() throws Exception {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(Duration.ofSeconds(40).toMillis());
		}
		for (AutoCloseable client : this.clients) {
			client.close();
		}
	}

	/**
	 * One client instance.
	 */
	interface Client extends AutoCloseable {

		Answer get(String path) throws Exception;

	}

	/**
	 * An answer, with the protocol it came over.
	 */
	record Answer(int status, String protocol, String body) {
	}

}
