package io.zerodowntime.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two generations write one rolling log file (Spring Boot's default Logback setup with
 * {@code logging.file.name} and a tiny {@code max-file-size}) while the sample logs a
 * numbered line per request under load, and a slow request keeps each old generation
 * draining while the new one logs enough to rotate: across three reloads, every line each
 * generation logged is in the files (the current one and the compressed archives), and no
 * {@code .tmp} file is left.
 */
class RollingLogIT {

	private static final Pattern REQUEST = Pattern.compile(" INFO (\\d+) --- .*: request line (\\d+) ");

	private static final Pattern SUMMARY = Pattern.compile(" INFO (\\d+) --- .*: request lines logged: (\\d+)");

	private static final int RELOADS = 3;

	@TempDir
	Path temp;

	@Test
	void noLineIsLostWhenTwoGenerationsShareARollingLogFile() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		Path logs = Files.createDirectory(this.temp.resolve("logs"));
		List<Long> generations = new ArrayList<>();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument(), "--logging.file.name=" + logs.resolve("service.log"),
					"--logging.logback.rollingpolicy.max-file-size=20KB", "--sample.log-requests=true");
			generations.add(pid);
			try (LoadGenerator keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, 4, network.threads());
					LoadGenerator fresh = LoadGenerator.start(port, Mode.NEW_CONNECTION, 2, network.threads())) {
				keepAlive.awaitSuccesses(500);
				for (int reload = 1; reload <= RELOADS; reload++) {
					// a request in flight keeps the old generation draining (and logging) for
					// seconds after the new one took over and logged enough to rotate
					long triggeredAt = System.nanoTime();
					SampleProcesses.signal(pid, "USR2");
					CompletableFuture<HttpExchange.Response> slow = network
						.async(() -> HttpExchange.sendSlow(port, "GET", "/slow?ms=15000", Duration.ofSeconds(60)));
					pid = service.awaitHandover(pid, triggeredAt).newPid();
					generations.add(pid);
					assertThat(slow.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
					keepAlive.awaitSuccesses(keepAlive.successes() + 500);
				}
				keepAlive.close();
				fresh.close();
				assertThat(keepAlive.failures()).isEmpty();
				assertThat(fresh.failures()).isEmpty();
			}
			SampleProcesses.signal(pid, "TERM");
			assertThat(SampleProcesses.awaitExit(pid, Duration.ofSeconds(60))).isTrue();
		}
		List<String> files = fileNames(logs);
		assertThat(files).as("no rotation left half done").noneMatch((name) -> name.endsWith(".tmp"));
		// Logback checks the size at a generation's first line, then once a minute: a new
		// generation, finding the shared file too big, rotates it (here, once its parent has exited)
		assertThat(files).as("rotations happened").hasSizeGreaterThanOrEqualTo(RELOADS + 1);
		Map<Long, Set<Long>> logged = new HashMap<>();
		Map<Long, Long> summaries = new TreeMap<>();
		for (String line : lines(logs)) {
			Matcher request = REQUEST.matcher(line);
			if (request.find()) {
				logged.computeIfAbsent(Long.parseLong(request.group(1)), (pid) -> new TreeSet<>())
					.add(Long.parseLong(request.group(2)));
			}
			Matcher summary = SUMMARY.matcher(line);
			if (summary.find()) {
				summaries.merge(Long.parseLong(summary.group(1)), Long.parseLong(summary.group(2)), Math::max);
			}
		}
		System.out.println("[rolling log] " + files.size() + " files; lines logged per generation " + summaries);
		assertThat(summaries.keySet()).as("generations that logged their count").containsExactlyInAnyOrderElementsOf(
				generations);
		for (long generation : generations) {
			long count = summaries.get(generation);
			Set<Long> found = logged.getOrDefault(generation, Set.of());
			List<Long> missing = new ArrayList<>();
			for (long line = 1; line <= count && missing.size() < 10; line++) {
				if (!found.contains(line)) {
					missing.add(line);
				}
			}
			assertThat(missing).as("lines of pid %d missing from the files (first 10), of %d", generation, count)
				.isEmpty();
		}
	}

	private static List<String> fileNames(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList();
		}
	}

	private static List<String> lines(Path directory) throws IOException {
		List<String> lines = new ArrayList<>();
		for (String name : fileNames(directory)) {
			Path file = directory.resolve(name);
			if (name.endsWith(".gz")) {
				try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
					lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
				}
			}
			else {
				lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
			}
		}
		return lines;
	}

}
