package io.zerodowntime.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;

/**
 * Reloads of the packaged sample in numbers: failed requests per reload in each handoff
 * variant and client mode against a plain stop and start, the steps of a reload, the
 * starter's steady-state cost, throughput and latency around a takeover (warm-up off and
 * on), and the footprint of a long chain of generations. Writes
 * {@code report.md} and {@code report.json} under {@code benchmark.output}. Everything
 * runs on loopback, bounded in time, and stops by itself.
 */
public final class ReloadBenchmark {

	private ReloadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		BenchmarkPlan plan = BenchmarkPlan.named((args.length > 0) ? args[0] : "full");
		Path output = Path.of(System.getProperty("benchmark.output", "benchmarks/target"));
		Files.createDirectories(output);
		Path work = Files.createTempDirectory("zerodowntime-benchmark-");
		BenchmarkReport report = new BenchmarkReport(plan);
		long started = System.nanoTime();
		try {
			run(plan, work, report);
		}
		finally {
			report.setElapsedSeconds((System.nanoTime() - started) / 1_000_000_000L);
			report.write(output);
			deleteRecursively(work);
		}
		System.out.println("Report: " + output.resolve("report.md") + " and " + output.resolve("report.json"));
	}

	private static void run(BenchmarkPlan plan, Path work, BenchmarkReport report) throws Exception {
		String java = javaVersion();
		if (plan.archiveOnly()) {
			System.out.println("Starts with a class data archive and without (" + java + ")");
			archiveRuns(plan, work, java, report);
			return;
		}
		if (plan.takeoverOnly()) {
			System.out.println("Around a takeover, " + plan.clients() + " clients (" + java + ")");
			report.add(new TakeoverRun(plan.clients(), plan.beforeTakeover(), plan.afterTakeover()).run(work, java));
			return;
		}
		System.out.println("[1/4] failed requests per reload, " + plan.clients() + " clients (" + java + ")");
		for (BenchmarkHandoff handoff : plan.handoffs()) {
			for (Mode mode : plan.clientModes()) {
				runCell(new ReloadCell(handoff, mode, plan.clients(), plan.reloadsPerCell()), handoff, work, java,
						report);
			}
		}
		for (Mode mode : plan.clientModes()) {
			report.add(new StopStartCell(mode, plan.clients(), plan.restarts()).run(work, java));
		}
		System.out.println("[2/4] steady-state overhead, and what clients see around a takeover");
		report.add(new OverheadRun(plan.clients(), plan.overheadRuns(), plan.overheadWarmUp(), plan.overheadDuration())
			.run(work, java));
		report.add(new TakeoverRun(plan.clients(), plan.beforeTakeover(), plan.afterTakeover()).run(work, java));
		System.out.println("[3/4] stability over " + plan.stabilityGenerations() + " generations");
		report.add(new StabilityRun(plan.stabilityGenerations()).run(work, java));
		System.out.println("     supervisor and ReloadCommand over " + plan.reloadsPerCell() + " reloads");
		report.add(new SupervisorRun(plan.reloadsPerCell()).run(work, java));
		System.out.println("     starts with a class data archive and without");
		archiveRuns(plan, work, java, report);
		System.out.println("[4/4] JVM matrix");
		Path otherJdk = plan.javaMatrix() ? otherJdk() : null;
		if (otherJdk == null) {
			report.note("JVM matrix: " + (plan.javaMatrix() ? "no Java 25 JDK found under /usr/lib/jvm" : "not in the "
					+ plan.name() + " run"));
			return;
		}
		System.setProperty("sample.java.home", otherJdk.toString());
		try {
			String otherJava = javaVersion();
			for (Mode mode : plan.clientModes()) {
				runCell(new ReloadCell(BenchmarkHandoff.INHERIT, mode, plan.clients(), plan.reloadsPerCell()),
						BenchmarkHandoff.INHERIT, work, otherJava, report);
			}
		}
		finally {
			System.clearProperty("sample.java.home");
		}
	}

	// a CDS archive on this JVM, an AOT cache on Java 25
	private static void archiveRuns(BenchmarkPlan plan, Path work, String java, BenchmarkReport report)
			throws Exception {
		report.add(new ArchiveRun(plan.reloadsPerCell()).run(work, java));
		Path otherJdk = otherJdk();
		if (otherJdk == null) {
			report.note("AOT cache: no Java 25 JDK found under /usr/lib/jvm");
			return;
		}
		System.setProperty("sample.java.home", otherJdk.toString());
		try {
			report.add(new ArchiveRun(plan.reloadsPerCell()).run(work, javaVersion()));
		}
		finally {
			System.clearProperty("sample.java.home");
		}
	}

	private static void runCell(ReloadCell cell, BenchmarkHandoff handoff, Path work, String java,
			BenchmarkReport report) throws Exception {
		String unavailable = handoff.unavailableReason();
		if (unavailable != null) {
			report.note(handoff.label() + ": " + unavailable);
			return;
		}
		report.add(cell.run(work, java));
	}

	private static Path otherJdk() throws Exception {
		String configured = System.getProperty("benchmark.java25");
		if (configured != null) {
			return Path.of(configured);
		}
		try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
			return jdks.filter((jdk) -> jdk.getFileName().toString().contains("25"))
				.filter((jdk) -> Files.isExecutable(jdk.resolve("bin/java")))
				.findFirst()
				.orElse(null);
		}
	}

	/**
	 * The version of the JVM that runs the sample, as {@code java -version} says it.
	 */
	private static String javaVersion() throws Exception {
		Process process = new ProcessBuilder(SampleProcesses.javaBinary(), "-version").redirectErrorStream(true)
			.start();
		String first = new String(process.getInputStream().readAllBytes()).lines().findFirst().orElse("java");
		process.waitFor();
		return "Java " + first.replaceAll("^\\S+ version \"([^\"]+)\".*", "$1");
	}

	private static void deleteRecursively(Path directory) throws Exception {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
