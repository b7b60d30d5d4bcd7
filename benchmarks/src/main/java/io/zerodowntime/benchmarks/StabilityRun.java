package io.zerodowntime.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zerodowntime.harness.GenerationSample;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;

/**
 * Many chained reloads under a light load: what each generation holds once it serves
 * (resident memory, threads, descriptors, heap after a full GC), and what is left behind
 * at the end.
 */
final class StabilityRun {

	private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

	private final int generations;

	StabilityRun(int generations) {
		this.generations = generations;
	}

	Result run(Path work, String java) throws Exception {
		Path directory = Files.createTempDirectory(work, "stability-");
		Path tmp = Files.createDirectory(directory.resolve("tmp"));
		int port = BenchmarkHandoff.INHERIT.port();
		List<Generation> samples = new ArrayList<>();
		try (TestNetwork network = TestNetwork.host();
				SampleProcesses processes = new SampleProcesses(directory, network)) {
			processes.launchWith(List.of(), List.of("-Djava.io.tmpdir=" + tmp));
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start();
			Duration pause = Duration.ofMillis(10);
			LoadGenerator fresh = LoadGenerator.start(port, Mode.NEW_CONNECTION, 5, network.threads(), pause);
			LoadGenerator keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, 5, network.threads(), pause);
			int leftBehind;
			try {
				for (int generation = 1; generation <= this.generations; generation++) {
					pid = service.reloadBySignal(pid).newPid();
					keepAlive.awaitSuccesses(keepAlive.successes() + 200);
					Generation sample = new Generation(GenerationSample.of(generation, pid, tmp), heapAfterGc(pid));
					samples.add(sample);
					System.out.printf("  %s, stability: %s, heap after GC %d MiB%n", java, sample.process(),
							sample.heapAfterGcKib() / 1024);
				}
				leftBehind = processes.generationPids().size() - 1;
			}
			finally {
				fresh.close();
				keepAlive.close();
			}
			return new Result(java, samples, leftBehind, fresh.failures().size() + keepAlive.failures().size(),
					fresh.successes() + keepAlive.successes());
		}
	}

	private static long heapAfterGc(long pid) throws Exception {
		jcmd(pid, "GC.run");
		Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
		return used.find() ? Long.parseLong(used.group(1)) : -1;
	}

	private static String jcmd(long pid, String command) throws Exception {
		Path jcmd = Path.of(SampleProcesses.javaBinary()).resolveSibling("jcmd");
		Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		process.waitFor(60, TimeUnit.SECONDS);
		return output;
	}

	/**
	 * One generation's footprint.
	 */
	record Generation(GenerationSample process, long heapAfterGcKib) {
	}

	/**
	 * The chain's footprint and what was left at the end.
	 */
	record Result(String java, List<Generation> generations, int processesLeftBehind, int failures, long requests) {
	}

}
