package io.zerodowntime.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;

/**
 * How fast a generation starts with a class data archive made for its jar, and without:
 * the README's recipe (Spring Boot's extracted layout, a training run), then the same
 * reloads with the archive on the command line and without it. A CDS archive on Java 17
 * to 24, an AOT cache on Java 25 and later. Quiet: no load, so that the JVM's own start is
 * what is measured.
 */
final class ArchiveRun {

	private final int reloads;

	ArchiveRun(int reloads) {
		this.reloads = reloads;
	}

	Result run(Path work, String java) throws Exception {
		Path directory = Files.createTempDirectory(work, "archive-");
		Path jar = directory.resolve("app.jar");
		Files.copy(SampleProcesses.sampleJar(), jar);
		run(directory, List.of("-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", "extracted"));
		Path extracted = directory.resolve("extracted").resolve("app.jar");
		boolean aot = Runtime.Version.parse(java.replaceFirst("^Java ", "")).feature() >= 25;
		Path archive = directory.resolve(aot ? "app.aot" : "app.jsa");
		long trainingStarted = System.nanoTime();
		run(directory, List.of((aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive,
				"-Dspring.context.exit=onRefresh", "-jar", extracted.toString(), "--zerodowntime.enabled=false",
				"--server.port=0"));
		Duration training = Duration.ofNanos(System.nanoTime() - trainingStarted);
		String option = (aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive;
		Starts without = starts(directory.resolve("without"), extracted, List.of(), java + ", no archive");
		Starts with = starts(directory.resolve("with"), extracted, List.of(option),
				java + ", " + (aot ? "AOT cache" : "CDS archive"));
		return new Result(java, aot ? "AOT cache (-XX:AOTCache)" : "CDS archive (-XX:SharedArchiveFile)", training,
				Files.size(archive), without, with);
	}

	private Starts starts(Path directory, Path extracted, List<String> jvmOptions, String label) throws Exception {
		Files.createDirectories(directory);
		int port = BenchmarkHandoff.INHERIT.port();
		try (TestNetwork network = TestNetwork.host();
				SampleProcesses processes = new SampleProcesses(directory, network)) {
			processes.runJar(extracted);
			processes.launchWith(List.of(), jvmOptions);
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long launched = System.nanoTime();
			long pid = service.start(BenchmarkHandoff.INHERIT.argument());
			Duration firstStart = Duration.ofNanos(System.nanoTime() - launched);
			List<Duration> reloads = new ArrayList<>();
			for (int i = 0; i < this.reloads; i++) {
				ServiceUnderTest.Handover handover = service.reloadBySignal(pid);
				reloads.add(handover.triggerToNewPidServing());
				pid = handover.newPid();
				System.out.printf("  %s: reload %d ms%n", label, handover.triggerToNewPidServing().toMillis());
			}
			return new Starts(firstStart, reloads);
		}
	}

	private static void run(Path directory, List<String> arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(SampleProcesses.javaBinary()));
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("prepare.log").toFile())
			.start();
		if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IllegalStateException(String.join(" ", command) + " failed:\n"
					+ Files.readString(directory.resolve("prepare.log")));
		}
	}

	/**
	 * Generation 0's start (launch → serving) and each reload's (trigger → new pid serving).
	 */
	record Starts(Duration firstStart, List<Duration> reloads) {

	}

	record Result(String java, String archive, Duration training, long archiveBytes, Starts without, Starts with) {

	}

}
