package io.zerodowntime.sample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background work runs in one generation at a time. The sample's scheduled job
 * ({@code @Scheduled}, every 100 ms) and polling listener (a {@code SmartLifecycle} marked
 * {@code @ServingGenerationOnly}) append lines to a journal: across three reloads under load
 * no two generations' lines interleave (the old one's last precedes the new one's first),
 * every generation resumes the work, a child runs none of it before it serves, and a child
 * that is rolled back (health {@code DOWN}) runs none at all; its runner did run, before
 * readiness, as runners do.
 */
class BackgroundWorkIT {

	private static final int RELOADS = 3;

	private static final Set<String> BACKGROUND = Set.of("tick", "listener");

	@TempDir
	Path temp;

	@Test
	void backgroundWorkRunsInOneGenerationAtATime() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		Path journal = this.temp.resolve("jobs.txt");
		Path healthFile = this.temp.resolve("health.txt");
		List<Long> servingPids = new ArrayList<>();
		long rolledBack;
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument(), "--sample.jobs-file=" + journal,
					"--sample.health-file=" + healthFile);
			servingPids.add(pid);
			try (LoadGenerator fresh = LoadGenerator.start(port, Mode.NEW_CONNECTION, 10, network.threads());
					LoadGenerator keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, 10, network.threads())) {
				awaitBackgroundLines(journal, pid, 5);
				for (int reload = 1; reload <= RELOADS; reload++) {
					pid = service.reloadBySignal(pid).newPid();
					servingPids.add(pid);
					awaitBackgroundLines(journal, pid, 5);
				}
				Files.writeString(healthFile, "DOWN");
				rolledBack = awaitRolledBack(service);
				Files.delete(healthFile);
				awaitBackgroundLines(journal, pid, count(lines(journal), pid) + 5);
				fresh.close();
				keepAlive.close();
				assertThat(fresh.failures()).as(fresh.describe()).isEmpty();
				assertThat(keepAlive.failures()).as(keepAlive.describe()).isEmpty();
			}
			assertThat(processes.generationPids()).containsExactly(pid);
		}
		List<Line> lines = lines(journal);
		Map<Long, Integer> backgroundRuns = new LinkedHashMap<>();
		lines.stream()
			.filter(Line::isBackground)
			.forEach((line) -> backgroundRuns.merge(line.pid(), 1, Integer::sum));
		System.out.println("[background] runs per generation " + backgroundRuns + ", rolled-back child " + rolledBack);
		assertThat(backgroundRuns.keySet()).as("generations that ran background work, in order of their first run")
			.containsExactlyElementsOf(servingPids);
		assertNoInterleaving(lines);
		for (long child : servingPids.subList(1, servingPids.size())) {
			assertThat(firstIndex(lines, child, Set.of("serving")))
				.as("pid %d serves before its first background run", child)
				.isLessThan(firstIndex(lines, child, BACKGROUND));
		}
		assertThat(lines).filteredOn((line) -> line.pid() == rolledBack)
			.as("the rolled-back child ran its runner, and nothing else")
			.extracting(Line::kind)
			.containsExactly("runner");
	}

	/**
	 * Once a generation's background line follows another's, the earlier generation never
	 * runs again.
	 */
	private static void assertNoInterleaving(List<Line> lines) {
		List<Long> finished = new ArrayList<>();
		long current = -1;
		for (Line line : lines) {
			if (!line.isBackground() || line.pid() == current) {
				continue;
			}
			assertThat(finished).as("line %s after another generation ran", line).doesNotContain(line.pid());
			if (current > 0) {
				finished.add(current);
			}
			current = line.pid();
		}
	}

	private static long awaitRolledBack(ServiceUnderTest service) throws Exception {
		ServiceUnderTest.FailedReload failed = service.triggerFailingReload();
		long child = failed.childPid();
		assertThat(failed.status()).contains("\"state\":\"FAILED\"").contains("not healthy");
		assertThat(SampleProcesses.awaitExit(child, Duration.ofSeconds(30))).as("child %d stopped", child).isTrue();
		return child;
	}

	private static void awaitBackgroundLines(Path journal, long pid, int count) throws Exception {
		long deadline = System.nanoTime() + ServiceUnderTest.RELOAD_TIMEOUT.toNanos();
		while (count(lines(journal), pid) < count && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(count(lines(journal), pid)).as("background runs of pid %d", pid).isGreaterThanOrEqualTo(count);
	}

	private static int count(List<Line> lines, long pid) {
		return (int) lines.stream().filter((line) -> line.pid() == pid && line.isBackground()).count();
	}

	private static int firstIndex(List<Line> lines, long pid, Set<String> kinds) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).pid() == pid && kinds.contains(lines.get(i).kind())) {
				return i;
			}
		}
		return Integer.MAX_VALUE;
	}

	private static List<Line> lines(Path journal) throws Exception {
		if (!Files.exists(journal)) {
			return List.of();
		}
		return Files.readAllLines(journal, StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> line.split(" ").length == 4)
			.map(Line::parse)
			.toList();
	}

	record Line(long pid, int generation, String kind, long sequence) {

		static Line parse(String text) {
			String[] parts = text.split(" ");
			return new Line(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), parts[2], Long.parseLong(parts[3]));
		}

		boolean isBackground() {
			return BACKGROUND.contains(this.kind);
		}

	}

}
