package io.zerodowntime.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;

/**
 * What clients see around one reload, against the old generation's steady state in the
 * same run: keep-alive clients in a closed loop record every answer; the reload's trigger
 * splits the run into the steady state (the seconds before it), the child's start (two JVMs
 * on the same cores) and the seconds after the takeover (the first answer from the new
 * pid), second by second. Once with the warm-up off and once on, each on a fresh process.
 */
final class TakeoverRun {

	private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(240);

	private static final long SECOND = 1_000_000_000L;

	/**
	 * Longer than the default: under the clients' load, two JVMs on two cores, the child
	 * can take two minutes to start on a slow machine.
	 */
	private static final String STARTUP_TIMEOUT = "4m";

	/**
	 * The warm-up as a user would configure it for this service: the path its clients ask
	 * for, for long enough that the JIT compiles it (the variable
	 * {@code BENCHMARK_WARM_UP} replaces it, to compare others).
	 */
	private static final String WARM_UP = System.getenv()
		.getOrDefault("BENCHMARK_WARM_UP", "--zerodowntime.warm-up.paths=/ --zerodowntime.warm-up.duration=30s "
				+ "--zerodowntime.warm-up.timeout=40s");

	/**
	 * The windows after the takeover that the report sums up, in seconds.
	 */
	private static final int[][] SUMMARY_WINDOWS = { { 0, 5 }, { 5, 10 }, { 0, 10 }, { 10, 20 }, { 20, 30 },
			{ 30, 60 } };

	private final int clients;

	private final Duration before;

	private final Duration after;

	TakeoverRun(int clients, Duration before, Duration after) {
		this.clients = clients;
		this.before = before;
		this.after = after;
	}

	Result run(Path work, String java) throws Exception {
		List<Timeline> timelines = new ArrayList<>();
		for (boolean warmUp : new boolean[] { false, true }) {
			Timeline timeline = measure(work, warmUp);
			timelines.add(timeline);
			System.out.printf("  %s, warm-up %s: steady %.0f req/s p99 %.1f ms; child start %.1f s at %.0f req/s; "
					+ "first 5 s after the takeover %.0f req/s p99 %.1f ms%n", java, warmUp ? "on" : "off",
					timeline.steady().requestsPerSecond(), timeline.steady().p99Millis(),
					timeline.whileStarting().seconds(), timeline.whileStarting().requestsPerSecond(),
					timeline.summary().get(0).requestsPerSecond(), timeline.summary().get(0).p99Millis());
		}
		return new Result(java, this.clients, WARM_UP, timelines);
	}

	private Timeline measure(Path work, boolean warmUp) throws Exception {
		Path directory = Files.createTempDirectory(work, "takeover-");
		int port = BenchmarkHandoff.INHERIT.port();
		try (TestNetwork network = TestNetwork.host();
				SampleProcesses processes = new SampleProcesses(directory, network)) {
			List<String> arguments = new ArrayList<>(List.of("--server.port=" + port,
					"--zerodowntime.warm-up.enabled=" + warmUp, "--zerodowntime.startup-timeout=" + STARTUP_TIMEOUT));
			if (warmUp) {
				arguments.addAll(List.of(WARM_UP.split(" ")));
			}
			Process process = processes.start(arguments.toArray(String[]::new));
			OverheadRun.awaitServing(port, process);
			Recorder recorder = new Recorder(port, process.pid(), this.clients, network.threads());
			GenerationCpu cpu = new GenerationCpu(process.pid());
			recorder.start();
			Thread.sleep(this.before.toMillis());
			long triggeredAt = System.nanoTime();
			SampleProcesses.signal(process.pid(), "USR2");
			long takeoverAt = recorder.awaitTakeover(triggeredAt + TAKEOVER_TIMEOUT.toNanos());
			Thread.sleep(Math.max(0, (takeoverAt + this.after.toNanos() - System.nanoTime()) / 1_000_000));
			recorder.stop();
			cpu.close();
			return recorder.timeline(warmUp, triggeredAt, takeoverAt, this.before, this.after, cpu);
		}
	}

	private static Window window(String label, long[][] answers, long from, long to, GenerationCpu cpu) {
		int count = 0;
		for (long[] answer : answers) {
			if (answer[0] >= from && answer[0] < to) {
				count++;
			}
		}
		long[] latencies = new long[count];
		int i = 0;
		for (long[] answer : answers) {
			if (answer[0] >= from && answer[0] < to) {
				latencies[i++] = answer[1];
			}
		}
		Arrays.sort(latencies);
		double seconds = (to - from) / 1e9;
		double[] cores = cpu.cores(from, to);
		return new Window(label, seconds, count / seconds, KeepAliveLoop.percentileMillis(latencies, 0.50),
				KeepAliveLoop.percentileMillis(latencies, 0.99), (count > 0) ? latencies[count - 1] / 1e6 : Double.NaN,
				cores[0], cores[1]);
	}

	/**
	 * Closed-loop keep-alive clients that keep, for every answer, when it came and how
	 * long it took, and note the first answer from another pid than the old one.
	 */
	private static final class Recorder {

		private final int port;

		private final long oldPid;

		private final List<long[]> completed = new ArrayList<>();

		private final List<int[]> counts = new ArrayList<>();

		private final List<Thread> clients = new ArrayList<>();

		private final AtomicLong failures = new AtomicLong();

		private final AtomicLong takeoverAt = new AtomicLong();

		private volatile boolean running = true;

		Recorder(int port, long oldPid, int clients, ThreadFactory threads) {
			this.port = port;
			this.oldPid = oldPid;
			for (int i = 0; i < clients; i++) {
				// pairs of (completed at, latency), enough for 100,000 answers a second over 150 s
				long[] answers = new long[2 * 15_000_000 / clients];
				int[] count = new int[1];
				this.completed.add(answers);
				this.counts.add(count);
				Thread client = threads.newThread(() -> run(answers, count));
				client.setDaemon(true);
				this.clients.add(client);
			}
		}

		void start() {
			this.clients.forEach(Thread::start);
		}

		long awaitTakeover(long deadline) throws InterruptedException {
			while (this.takeoverAt.get() == 0) {
				if (System.nanoTime() > deadline) {
					stop();
					throw new IllegalStateException("no answer from a new generation within " + TAKEOVER_TIMEOUT);
				}
				Thread.sleep(10);
			}
			return this.takeoverAt.get();
		}

		void stop() throws InterruptedException {
			this.running = false;
			for (Thread client : this.clients) {
				client.join();
			}
		}

		private void run(long[] answers, int[] count) {
			KeepAliveLoop.run(this.port, () -> this.running, (sent, received, response) -> {
				if (count[0] + 2 <= answers.length) {
					answers[count[0]++] = received;
					answers[count[0]++] = received - sent;
				}
				if (response.servedBy() != this.oldPid) {
					this.takeoverAt.compareAndSet(0, received);
				}
			}, this.failures);
		}

		Timeline timeline(boolean warmUp, long triggeredAt, long takeoverAt, Duration before, Duration after,
				GenerationCpu cpu) {
			List<long[]> all = new ArrayList<>();
			for (int i = 0; i < this.completed.size(); i++) {
				long[] answers = this.completed.get(i);
				for (int j = 0; j + 1 < this.counts.get(i)[0]; j += 2) {
					all.add(new long[] { answers[j], answers[j + 1] });
				}
			}
			long[][] answers = all.toArray(long[][]::new);
			// the last ten seconds before the trigger, the first few being the clients' own warm-up
			long steadyFrom = triggeredAt - Math.min(before.toNanos() / 2, 10 * SECOND);
			Window steady = window("steady state", answers, steadyFrom, triggeredAt, cpu);
			Window starting = window("while the child starts", answers, triggeredAt, takeoverAt, cpu);
			int seconds = (int) after.toSeconds();
			List<Window> perSecond = new ArrayList<>();
			for (int s = 0; s < seconds; s++) {
				perSecond.add(
						window("+" + s + " s", answers, takeoverAt + s * SECOND, takeoverAt + (s + 1) * SECOND, cpu));
			}
			List<Window> summary = new ArrayList<>();
			for (int[] range : SUMMARY_WINDOWS) {
				if (range[0] < seconds) {
					int end = Math.min(range[1], seconds);
					summary.add(window("+" + range[0] + "–" + end + " s", answers, takeoverAt + range[0] * SECOND,
							takeoverAt + end * SECOND, cpu));
				}
			}
			return new Timeline(warmUp, steady, starting, summary, perSecond, this.failures.get());
		}

	}

	/**
	 * Requests completed in a window: how many a second, and their latency in milliseconds;
	 * and the share of a core the old generation and its child used meanwhile.
	 */
	record Window(String label, double seconds, double requestsPerSecond, double p50Millis, double p99Millis,
			double maxMillis, double oldCores, double newCores) {

	}

	/**
	 * One reload seen by the clients.
	 */
	record Timeline(boolean warmUp, Window steady, Window whileStarting, List<Window> summary,
			List<Window> perSecond, long failures) {

	}

	/**
	 * The reload with the warm-up off, then on.
	 */
	record Result(String java, int clients, String warmUp, List<Timeline> timelines) {

	}

}
