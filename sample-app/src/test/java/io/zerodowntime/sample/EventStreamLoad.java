package io.zerodowntime.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Clients of the sample's server-sent events at {@code /ticks}, on the JDK's
 * {@link HttpClient} over HTTP/1.1, that behave like a browser's {@code EventSource}: read
 * events until the stream ends, then connect again. A stream that ends with an error (a
 * reset, a body cut short) or an answer other than 200 is a failure.
 */
final class EventStreamLoad implements AutoCloseable {

	private final List<Thread> threads = new ArrayList<>();

	private final ClientTally tally = new ClientTally("ticks");

	private final AtomicLong cleanEnds = new AtomicLong();


	private final ExecutorService executor;

	private final HttpClient client;

	private final URI uri;

	private volatile boolean running = true;

	private EventStreamLoad(int port, ThreadFactory threads) {
		this.executor = Executors.newCachedThreadPool(threads);
		this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(this.executor).build();
		this.uri = URI.create("http://127.0.0.1:" + port + "/ticks?interval=100");
	}

	static EventStreamLoad start(int port, int streams, ThreadFactory threads) {
		EventStreamLoad load = new EventStreamLoad(port, threads);
		for (int i = 0; i < streams; i++) {
			Thread thread = threads.newThread(load::run);
			thread.setName("events-" + i);
			thread.setDaemon(true);
			load.threads.add(thread);
		}
		load.threads.forEach(Thread::start);
		return load;
	}

	private void run() {
		while (this.running) {
			HttpRequest request = HttpRequest.newBuilder(this.uri).header("Accept", "text/event-stream").build();
			try {
				HttpResponse<Stream<String>> response = this.client.send(request, HttpResponse.BodyHandlers.ofLines());
				try (Stream<String> lines = response.body()) {
					if (response.statusCode() != 200) {
						this.tally.fail("status " + response.statusCode());
						continue;
					}
					Iterator<String> events = lines.iterator();
					while (events.hasNext() && this.running) {
						String line = events.next();
						if (line.startsWith("data:")) {
							this.tally.answered(line);
						}
					}
					if (this.running) {
						this.cleanEnds.incrementAndGet();
					}
				}
			}
			catch (Exception ex) {
				if (this.running) {
					this.tally.fail(ex.toString());
				}
			}
		}
	}



	void awaitTicks(long count) throws InterruptedException {
		this.tally.awaitAnswers(count);
	}

	long ticks() {
		return this.tally.answers();
	}

	/**
	 * How many streams the server ended normally while the clients still read them.
	 */
	long cleanEnds() {
		return this.cleanEnds.get();
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
		// each thread sees the flag at its stream's next tick; the client's executor must
		// run until then, or the threads wait for ticks it no longer delivers
		for (Thread thread : this.threads) {
			thread.join(10_000);
		}
		this.executor.shutdownNow();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

}
