package io.zerodowntime.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;

/**
 * A run of {@code wrk} (the Debian package) against the sample, paced by a script so that
 * a starting generation gets CPU, stopped with SIGINT, when it prints its summary.
 */
final class Wrk implements AutoCloseable {

	private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

	private final Process process;

	private final Path output;

	private final String name;

	private Wrk(String name, Process process, Path output) {
		this.name = name;
		this.process = process;
		this.output = output;
	}

	/**
	 * Start wrk for at most ten minutes.
	 * @param keepAlive whether its connections are kept alive, or each request asks for
	 * {@code Connection: close}
	 */
	static Wrk start(TestNetwork network, Path directory, int port, int connections, boolean keepAlive)
			throws IOException {
		String name = keepAlive ? "wrk keep-alive" : "wrk connection-close";
		Path script = directory.resolve("wrk-paced.lua");
		if (!Files.exists(script)) {
			try (var in = Wrk.class.getResourceAsStream("/wrk-paced.lua")) {
				Files.copy(in, script);
			}
		}
		List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d600s", "--timeout",
				"30s", "-s", script.toString()));
		if (!keepAlive) {
			command.addAll(List.of("-H", "Connection: close"));
		}
		command.add("http://127.0.0.1:" + port + "/");
		Path output = directory.resolve((keepAlive ? "wrk-keep-alive" : "wrk-close") + ".txt");
		Process process = new ProcessBuilder(network.wrap(command)).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		return new Wrk(name, process, output);
	}

	/**
	 * Stop wrk and return its summary.
	 */
	Summary stop() throws IOException, InterruptedException {
		if (this.process.isAlive()) {
			SampleProcesses.signal(this.process.pid(), "INT");
		}
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			throw new IllegalStateException(this.name + " did not stop on SIGINT");
		}
		String text = Files.readString(this.output);
		Matcher requests = REQUESTS.matcher(text);
		return new Summary(this.name, requests.find() ? Long.parseLong(requests.group(1)) : 0, text);
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	/**
	 * What wrk printed: it names socket errors and non-2xx/3xx answers only when there are
	 * some.
	 */
	record Summary(String name, long requests, String text) {

		boolean hasErrors() {
			return this.text.contains("Socket errors") || this.text.contains("Non-2xx");
		}

	}

}
