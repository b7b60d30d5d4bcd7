package io.zerodowntime.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new generation warms up before it reports ready: the requests it sends itself (a
 * listed path, and a replay of the requests the old generation served) reach its own
 * application code over TLS and HTTP/2, as the main listener speaks, on a loopback port
 * other than the shared one, and all of them before it takes over. The old generation sees
 * none of them. (A required warm-up that cannot complete rolls the reload back: see
 * {@link ReloadRollbackIT}.)
 */
class WarmUpIT {

	private static final int WARM_UP_REQUESTS = 12;

	private static final Pattern REQUEST_LINE = Pattern
		.compile(" INFO (\\d+) --- .*: request line \\d+ (\\S+) on port (\\d+)");

	@TempDir
	Path temp;

	@Test
	void aNewGenerationWarmsUpOnAPrivateListenerBeforeItTakesOver() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		List<String> arguments = new ArrayList<>(List.of(handoff.argument(), "--server.http2.enabled=true",
				"--sample.log-requests=true", "--zerodowntime.warm-up.paths=/",
				"--zerodowntime.warm-up.replay.enabled=true",
				"--zerodowntime.warm-up.requests=" + WARM_UP_REQUESTS));
		arguments.addAll(SelfSignedKeyStore.serverArguments(SelfSignedKeyStore.create(this.temp)));
		HttpExchange.tls(port);
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long oldPid = service.start(arguments.toArray(String[]::new));
			// traffic the old generation serves, replayed in the new one's warm-up
			for (int i = 0; i < 3; i++) {
				assertThat(service.get("/slow?ms=1").status()).isEqualTo(200);
			}
			long newPid = service.reloadBySignal(oldPid).newPid();
			assertThat(service.get("/").servedBy()).isEqualTo(newPid);

			String log = processes.logText();
			String newGeneration = log.lines().filter((line) -> line.contains(" " + newPid + " --- ")).reduce("",
					(all, line) -> all + line + "\n");
			String tookOver = newGeneration.lines()
				.filter((line) -> line.contains("Took over from parent pid " + oldPid))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no takeover logged:\n" + log));
			String beforeTakeover = newGeneration.substring(0, newGeneration.indexOf(tookOver));
			assertThat(beforeTakeover).as("the warm-up, before the takeover")
				.containsPattern("Warmed up before taking over: " + WARM_UP_REQUESTS
						+ " request\\(s\\) to \\[/, /slow\\?ms=1\\] \\(1 replayed from the previous generation\\) "
						+ "over \\d+ connection\\(s\\) \\(TLS, HTTP/2\\)");
			List<Integer> warmUpPorts = new ArrayList<>();
			List<String> warmUpPaths = new ArrayList<>();
			Matcher request = REQUEST_LINE.matcher(beforeTakeover);
			while (request.find()) {
				warmUpPorts.add(Integer.parseInt(request.group(3)));
				warmUpPaths.add(request.group(2));
			}
			assertThat(warmUpPaths).as("requests the new generation served before it took over")
				.hasSize(WARM_UP_REQUESTS)
				.containsOnly("/", "/slow");
			assertThat(warmUpPorts).as("all on one private port").doesNotContain(port).containsOnly(warmUpPorts.get(0));
			Matcher oldGenerationRequest = REQUEST_LINE.matcher(log);
			while (oldGenerationRequest.find()) {
				if (oldGenerationRequest.group(1).equals(Long.toString(oldPid))) {
					assertThat(Integer.parseInt(oldGenerationRequest.group(3))).as("a request the old generation served")
						.isEqualTo(port);
				}
			}
			assertThat(processes.generationPids()).containsExactly(newPid);
		}
		finally {
			HttpExchange.plainHttp(port);
		}
	}

	@Test
	void whatDidNotStopTheReloadIsInItsNotesInBothGenerations() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		Path archive = this.temp.resolve("stale.jsa");
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			// an archive made for an earlier jar (not a real one: the JVM starts without it either way),
			// and a warm-up that cannot complete in time
			Files.writeString(archive, "made for the previous jar");
			Files.setLastModifiedTime(archive,
					FileTime.from(Files.getLastModifiedTime(processes.jar()).toInstant().minus(Duration.ofHours(1))));
			processes.launchWith(List.of(), List.of("-XX:SharedArchiveFile=" + archive));
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long oldPid = service.start(handoff.argument(), "--zerodowntime.warm-up.paths=/slow?ms=5000",
					"--zerodowntime.warm-up.requests=2", "--zerodowntime.warm-up.timeout=1s");
			long newPid = service.reloadBySignal(oldPid).newPid();
			String status = service.get("/actuator/reload").body();
			assertThat(status).as("the new generation's status").contains("\"generation\":1")
				.contains("\"notes\":[\"The CDS archive " + archive + " was made before " + processes.jar())
				.contains(": the new generation starts without it, more slowly\",\"warm-up incomplete: ")
				.contains("/slow?ms=5000");
			assertThat(processes.logText()).as("the old generation's log")
				.containsPattern(" " + oldPid + " --- .*The CDS archive " + archive + " was made before")
				.containsPattern(" " + newPid + " --- .*Warm-up incomplete \\(taking over anyway\\)");
		}
	}

}
