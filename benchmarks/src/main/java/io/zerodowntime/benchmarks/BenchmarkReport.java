package io.zerodowntime.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Collects what the benchmark measured and writes it as Markdown (for people) and JSON
 * (for tools). Durations are in milliseconds.
 */
final class BenchmarkReport {

	private final BenchmarkPlan plan;

	private final List<ReloadCell.Result> cells = new ArrayList<>();

	private final List<StopStartCell.Result> baselines = new ArrayList<>();

	private final List<OverheadRun.Result> overheads = new ArrayList<>();

	private final List<TakeoverRun.Result> takeovers = new ArrayList<>();

	private final List<StabilityRun.Result> stabilities = new ArrayList<>();

	private final List<SupervisorRun.Result> supervisors = new ArrayList<>();

	private final List<ArchiveRun.Result> archives = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private long elapsedSeconds;

	BenchmarkReport(BenchmarkPlan plan) {
		this.plan = plan;
	}

	void add(ReloadCell.Result cell) {
		this.cells.add(cell);
	}

	void add(StopStartCell.Result baseline) {
		this.baselines.add(baseline);
	}

	void add(OverheadRun.Result overhead) {
		this.overheads.add(overhead);
	}

	void add(TakeoverRun.Result takeover) {
		this.takeovers.add(takeover);
	}

	void add(StabilityRun.Result stability) {
		this.stabilities.add(stability);
	}

	void add(SupervisorRun.Result supervisor) {
		this.supervisors.add(supervisor);
	}

	void add(ArchiveRun.Result archive) {
		this.archives.add(archive);
	}

	void note(String note) {
		this.notes.add(note);
		System.out.println("  note: " + note);
	}

	void setElapsedSeconds(long elapsedSeconds) {
		this.elapsedSeconds = elapsedSeconds;
	}

	void write(Path directory) throws IOException {
		Files.writeString(directory.resolve("report.md"), markdown());
		JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		Files.writeString(directory.resolve("report.json"), json.writeValueAsString(tree()));
	}

	private String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("# Reload benchmark (").append(this.plan.name()).append(" run)\n\n");
		md.append(Runtime.getRuntime().availableProcessors()).append(" cores, ").append(System.getProperty("os.name"))
			.append(' ')
			.append(System.getProperty("os.version"))
			.append(", ")
			.append(Instant.now())
			.append(", ")
			.append(this.elapsedSeconds)
			.append(" s. Closed-loop clients on loopback, no retries; a failure is a connect error, reset, early ")
			.append("close, timeout or non-200 answer.\n\n");
		md.append("## Failed requests per reload\n\n");
		md.append("| JVM | handoff | clients | reloads | requests | failed | failed per reload | each reload |\n");
		md.append("|---|---|---|---|---|---|---|---|\n");
		for (ReloadCell.Result cell : this.cells) {
			md.append(row(cell.java(), cell.handoff(), cell.clients() + " " + clientMode(cell.clientMode()),
					cell.failuresPerReload().size(), cell.requests(), cell.failures(),
					format(cell.failures() / (double) cell.failuresPerReload().size()), cell.failuresPerReload()));
		}
		for (StopStartCell.Result baseline : this.baselines) {
			md.append(row(baseline.java(), "stop + start (baseline)",
					baseline.clients() + " " + clientMode(baseline.clientMode()), baseline.failuresPerRestart().size(),
					baseline.requests(), baseline.failures(),
					format(baseline.failures() / (double) Math.max(1, baseline.failuresPerRestart().size())),
					baseline.failuresPerRestart() + ", outage " + stats(baseline.outages())));
		}
		md.append("\n## Reload time breakdown (ms from the trigger: median / min / max)\n\n");
		md.append("| JVM | handoff | clients | child spawned | child ready | child serving | old pid gone "
				+ "| handoff beyond the child's start (ready → serving) |\n");
		md.append("|---|---|---|---|---|---|---|---|\n");
		for (ReloadCell.Result cell : this.cells) {
			md.append(row(cell.java(), cell.handoff(), cell.clients() + " " + clientMode(cell.clientMode()),
					stats(timelines(cell, ReloadTimeline::spawned)), stats(timelines(cell, ReloadTimeline::ready)),
					stats(timelines(cell, ReloadTimeline::acknowledged)),
					stats(timelines(cell, ReloadTimeline::oldPidGone)), stats(handoffBeyondStart(cell))));
		}
		for (StopStartCell.Result baseline : this.baselines) {
			md.append("\nCold start of the sample (launch → serving), ")
				.append(baseline.java())
				.append(", first start idle, then under ")
				.append(baseline.clients())
				.append(' ')
				.append(clientMode(baseline.clientMode()))
				.append(" clients: ")
				.append(stats(baseline.coldStarts()))
				.append(" ms.\n");
		}
		md.append("\n## Steady-state overhead (starter enabled vs disabled, same jar, alternating runs)\n\n");
		md.append("| JVM | keep-alive clients | runs | req/s enabled | req/s disabled | ratio | p50 ms enabled / "
				+ "disabled | p99 ms enabled / disabled |\n");
		md.append("|---|---|---|---|---|---|---|---|\n");
		for (OverheadRun.Result overhead : this.overheads) {
			md.append(row(overhead.java(), overhead.clients(), overhead.enabled().size(),
					format(median(overhead.enabled(), LatencyLoad.Result::requestsPerSecond)),
					format(median(overhead.disabled(), LatencyLoad.Result::requestsPerSecond)),
					format(overhead.throughputRatio()),
					format(median(overhead.enabled(), LatencyLoad.Result::p50Millis)) + " / "
							+ format(median(overhead.disabled(), LatencyLoad.Result::p50Millis)),
					format(median(overhead.enabled(), LatencyLoad.Result::p99Millis)) + " / "
							+ format(median(overhead.disabled(), LatencyLoad.Result::p99Millis))));
		}
		for (TakeoverRun.Result takeover : this.takeovers) {
			takeoverSection(md, takeover);
		}
		for (StabilityRun.Result stability : this.stabilities) {
			md.append("\n## Stability over ").append(stability.generations().size()).append(" chained reloads (")
				.append(stability.java())
				.append(")\n\n");
			md.append("| generation | resident MiB | threads | open fds | heap after GC MiB |\n|---|---|---|---|---|\n");
			List<StabilityRun.Generation> generations = stability.generations();
			for (int i = 0; i < generations.size(); i++) {
				if (i == 0 || i == generations.size() - 1 || (i + 1) % 10 == 0) {
					StabilityRun.Generation generation = generations.get(i);
					md.append(row(generation.process().generation(), generation.process().residentKib() / 1024,
							generation.process().threads(), generation.process().descriptors(),
							generation.heapAfterGcKib() / 1024));
				}
			}
			StabilityRun.Generation first = generations.get(0);
			StabilityRun.Generation last = generations.get(generations.size() - 1);
			md.append("\nLast vs first generation: resident ")
				.append(change(first.process().residentKib(), last.process().residentKib()))
				.append(", threads ")
				.append(change(first.process().threads(), last.process().threads()))
				.append(", fds ")
				.append(change(first.process().descriptors(), last.process().descriptors()))
				.append(", heap after GC ")
				.append(change(first.heapAfterGcKib(), last.heapAfterGcKib()))
				.append(". Processes left behind: ")
				.append(stability.processesLeftBehind())
				.append(". Requests during the chain: ")
				.append(stability.requests())
				.append(", failed: ")
				.append(stability.failures())
				.append(".\n");
		}
		for (SupervisorRun.Result supervisor : this.supervisors) {
			md.append("\n## Supervisor (").append(supervisor.java()).append(")\n\n");
			md.append("| supervisor resident MiB, generation 0 serving | after ")
				.append(supervisor.reloadCommandTimes().size())
				.append(" reloads | a generation's resident MiB | ReloadCommand ms (median / min / max) "
						+ "| failed reloads | requests | failed |\n|---|---|---|---|---|---|---|\n");
			md.append(row(format(supervisor.supervisorAtStartKib() / 1024.0),
					format(supervisor.supervisorAfterReloadsKib() / 1024.0), format(supervisor.generationKib() / 1024.0),
					stats(supervisor.reloadCommandTimes()), supervisor.failedReloads(), supervisor.requests(),
					supervisor.failedRequests()));
		}
		if (!this.archives.isEmpty()) {
			md.append("\n## Starts with a class data archive (ms: median / min / max; no load)\n\n");
			md.append("The sample extracted (`java -Djarmode=tools -jar app.jar extract`), an archive made by a "
					+ "training run (`-Dspring.context.exit=onRefresh`), then the same reloads with the archive on "
					+ "the command line and without it.\n\n");
			md.append("| JVM | archive | training s | archive MiB | generation 0 start, without / with "
					+ "| reload (trigger → new pid serving), without | with | median with vs without |\n");
			md.append("|---|---|---|---|---|---|---|---|\n");
			for (ArchiveRun.Result archive : this.archives) {
				md.append(row(archive.java(), archive.archive(), format(archive.training().toMillis() / 1000.0),
						format(archive.archiveBytes() / 1048576.0),
						archive.without().firstStart().toMillis() + " / " + archive.with().firstStart().toMillis(),
						stats(archive.without().reloads()), stats(archive.with().reloads()),
						change((long) median(archive.without().reloads(), Duration::toMillis),
								(long) median(archive.with().reloads(), Duration::toMillis))));
			}
		}
		if (!this.notes.isEmpty()) {
			md.append("\n## Notes\n\n");
			this.notes.forEach((note) -> md.append("- ").append(note).append('\n'));
		}
		return md.toString();
	}

	private static void takeoverSection(StringBuilder md, TakeoverRun.Result takeover) {
		md.append("\n## Around a takeover (").append(takeover.java()).append(", ").append(takeover.clients())
			.append(" keep-alive clients, one reload, warm-up off then on)\n\n");
		md.append("Requests completed in each window; after the takeover, seconds from the first answer of the new "
				+ "pid. Percentages are of the old generation's steady state in the same run. Warm-up on: `"
				+ takeover.warmUp() + "`. Cores: the share of one core each JVM used (from `/proc/<pid>/stat`).\n\n");
		md.append("| warm-up | window | s | req/s | of steady | p50 ms | p99 ms | max ms | cores: old / new generation |\n");
		md.append("|---|---|---|---|---|---|---|---|---|\n");
		for (TakeoverRun.Timeline timeline : takeover.timelines()) {
			String warmUp = timeline.warmUp() ? "on" : "off";
			double steady = timeline.steady().requestsPerSecond();
			List<TakeoverRun.Window> windows = new ArrayList<>();
			windows.add(timeline.steady());
			windows.add(timeline.whileStarting());
			windows.addAll(timeline.summary());
			for (TakeoverRun.Window window : windows) {
				md.append(row(warmUp, window.label(), format(window.seconds()), format(window.requestsPerSecond()),
						String.format(Locale.ROOT, "%.0f %%", 100 * window.requestsPerSecond() / steady),
						format(window.p50Millis()), format(window.p99Millis()), format(window.maxMillis()),
						String.format(Locale.ROOT, "%.2f / %.2f", window.oldCores(), window.newCores())));
			}
			if (timeline.failures() > 0) {
				md.append(row(warmUp, "**failed requests**", "", timeline.failures(), "", "", "", "", ""));
			}
		}
		md.append("\nThe goal for the first 10 s after the takeover: requests/s within 10 % of the steady state, p99 "
				+ "within 1.5× of its p99.\n\n");
		for (TakeoverRun.Timeline timeline : takeover.timelines()) {
			timeline.summary().stream().filter((window) -> window.label().equals("+0–10 s")).findFirst()
				.ifPresent((first10) -> md.append("- warm-up ")
					.append(timeline.warmUp() ? "on" : "off")
					.append(": ")
					.append(String.format(Locale.ROOT, "%.0f %% of the requests/s, p99 %.2f× (%s)",
							100 * first10.requestsPerSecond() / timeline.steady().requestsPerSecond(),
							first10.p99Millis() / timeline.steady().p99Millis(),
							meetsGoal(first10, timeline.steady()) ? "met" : "not met"))
					.append('\n'));
		}
	}

	private static boolean meetsGoal(TakeoverRun.Window first10, TakeoverRun.Window steady) {
		return first10.requestsPerSecond() >= 0.9 * steady.requestsPerSecond()
				&& first10.p99Millis() <= 1.5 * steady.p99Millis();
	}

	private Map<String, Object> tree() {
		Map<String, Object> tree = new LinkedHashMap<>();
		tree.put("plan", this.plan.name());
		tree.put("cores", Runtime.getRuntime().availableProcessors());
		tree.put("kernel", System.getProperty("os.version"));
		tree.put("elapsedSeconds", this.elapsedSeconds);
		tree.put("reloads", this.cells.stream().map((cell) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("java", cell.java());
			entry.put("handoff", cell.handoff());
			entry.put("clientMode", cell.clientMode());
			entry.put("clients", cell.clients());
			entry.put("requests", cell.requests());
			entry.put("failedPerReload", cell.failuresPerReload());
			entry.put("sampleFailures", cell.sampleFailures());
			entry.put("timelines", cell.timelines().stream().map((timeline) -> {
				Map<String, Object> steps = new LinkedHashMap<>();
				steps.put("childSpawnedMs", millis(timeline.spawned()));
				steps.put("childReadyMs", millis(timeline.ready()));
				steps.put("childServingMs", millis(timeline.acknowledged()));
				steps.put("oldPidGoneMs", millis(timeline.oldPidGone()));
				return steps;
			}).toList());
			return entry;
		}).toList());
		tree.put("stopStart", this.baselines.stream().map((baseline) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("java", baseline.java());
			entry.put("clientMode", baseline.clientMode());
			entry.put("clients", baseline.clients());
			entry.put("requests", baseline.requests());
			entry.put("failedPerRestart", baseline.failuresPerRestart());
			entry.put("outageMs", baseline.outages().stream().map(BenchmarkReport::millis).toList());
			entry.put("coldStartMs", baseline.coldStarts().stream().map(BenchmarkReport::millis).toList());
			return entry;
		}).toList());
		tree.put("overhead", this.overheads);
		tree.put("takeover", this.takeovers);
		tree.put("stability", this.stabilities.stream().map((stability) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("java", stability.java());
			entry.put("processesLeftBehind", stability.processesLeftBehind());
			entry.put("requests", stability.requests());
			entry.put("failures", stability.failures());
			entry.put("generations", stability.generations().stream().map((generation) -> {
				Map<String, Object> sample = new LinkedHashMap<>();
				sample.put("generation", generation.process().generation());
				sample.put("residentKib", generation.process().residentKib());
				sample.put("threads", generation.process().threads());
				sample.put("fds", generation.process().descriptors());
				sample.put("heapAfterGcKib", generation.heapAfterGcKib());
				return sample;
			}).toList());
			return entry;
		}).toList());
		tree.put("supervisor", this.supervisors.stream().map((supervisor) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("java", supervisor.java());
			entry.put("supervisorAtStartKib", supervisor.supervisorAtStartKib());
			entry.put("supervisorAfterReloadsKib", supervisor.supervisorAfterReloadsKib());
			entry.put("generationKib", supervisor.generationKib());
			entry.put("reloadCommandMs", supervisor.reloadCommandTimes().stream().map(BenchmarkReport::millis).toList());
			entry.put("failedReloads", supervisor.failedReloads());
			entry.put("requests", supervisor.requests());
			entry.put("failedRequests", supervisor.failedRequests());
			return entry;
		}).toList());
		tree.put("archives", this.archives.stream().map((archive) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("java", archive.java());
			entry.put("archive", archive.archive());
			entry.put("trainingMs", archive.training().toMillis());
			entry.put("archiveBytes", archive.archiveBytes());
			entry.put("firstStartWithoutMs", archive.without().firstStart().toMillis());
			entry.put("firstStartWithMs", archive.with().firstStart().toMillis());
			entry.put("reloadWithoutMs", archive.without().reloads().stream().map(BenchmarkReport::millis).toList());
			entry.put("reloadWithMs", archive.with().reloads().stream().map(BenchmarkReport::millis).toList());
			return entry;
		}).toList());
		tree.put("notes", this.notes);
		return tree;
	}

	private static List<Duration> timelines(ReloadCell.Result cell, Function<ReloadTimeline, Duration> step) {
		return cell.timelines().stream().map(step).filter(Objects::nonNull).toList();
	}

	private static List<Duration> handoffBeyondStart(ReloadCell.Result cell) {
		return cell.timelines()
			.stream()
			.filter((timeline) -> timeline.ready() != null && timeline.acknowledged() != null)
			.map((timeline) -> timeline.acknowledged().minus(timeline.ready()))
			.toList();
	}

	private static String stats(List<Duration> durations) {
		if (durations.isEmpty()) {
			return "–";
		}
		List<Long> sorted = durations.stream().map(Duration::toMillis).sorted().toList();
		return sorted.get(sorted.size() / 2) + " / " + sorted.get(0) + " / " + sorted.get(sorted.size() - 1);
	}

	private static <T> double median(List<T> values, java.util.function.ToDoubleFunction<T> value) {
		double[] sorted = values.stream().mapToDouble(value).sorted().toArray();
		return sorted[sorted.length / 2];
	}

	private static String change(long first, long last) {
		return String.format(Locale.ROOT, "%+.1f %%", (first == 0) ? 0.0 : 100.0 * (last - first) / first);
	}

	private static Long millis(Duration duration) {
		return (duration != null) ? duration.toMillis() : null;
	}

	private static String clientMode(String mode) {
		return mode.equals("KEEP_ALIVE") ? "keep-alive" : "new connection per request";
	}

	private static String format(double value) {
		return String.format(Locale.ROOT, (value >= 100) ? "%.0f" : "%.2f", value);
	}

	private static String row(Object... cells) {
		StringBuilder row = new StringBuilder("|");
		for (Object cell : cells) {
			row.append(' ').append(cell).append(" |");
		}
		return row.append('\n').toString();
	}

}
