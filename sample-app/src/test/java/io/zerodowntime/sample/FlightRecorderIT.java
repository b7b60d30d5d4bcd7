package io.zerodowntime.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * Java Flight Recorder's method sampling suspends threads with HotSpot's suspend/resume
 * signal, {@code SIGUSR2} by default: the reload signal. Every JVM the starter starts has
 * it moved, so a recording running in every generation (as {@code -XX:StartFlightRecording}
 * on the command line does) samples and triggers no reload; a generation 0 started
 * without it says how to fix its start.
 */
class FlightRecorderIT {

	private static final String SHARED_SIGNAL_WARNING = "is also this JVM's thread suspend/resume signal";

	private static final Pattern EXECUTION_SAMPLES = Pattern.compile("jdk\\.ExecutionSample\\s+(\\d+)");

	private static final Duration RECORDING = Duration.ofSeconds(8);

	@TempDir
	Path temp;

	@Test
	void aRecordingInEveryGenerationSamplesAndTriggersNoReload() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.supervisor("always");
			processes.launchWith(List.of(), List.of("-XX:StartFlightRecording:settings=profile"));
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long generationZero = service.start(handoff.argument());
			recordUnderLoad(port, network);
			assertThat(processes.generationPids()).as("no reload while recording").containsExactly(generationZero);
			assertThat(service.get("/actuator/reload").body()).contains("\"succeeded\":0,\"failed\":0,\"rejected\":0");
			assertThat(executionSamples(generationZero)).as("samples taken in generation 0").isPositive();

			long generationOne = service.reloadBySignal(generationZero).newPid();
			recordUnderLoad(port, network);
			assertThat(processes.generationPids()).as("no reload while recording").containsExactly(generationOne);
			assertThat(service.get("/actuator/reload").body()).contains("\"succeeded\":1,\"failed\":0,\"rejected\":0");
			assertThat(executionSamples(generationOne)).as("samples taken in generation 1").isPositive();
			assertThat(processes.logText()).doesNotContain(SHARED_SIGNAL_WARNING).doesNotContain("SIGUSR2 ignored");
		}
	}

	@Test
	void aGenerationZeroThatSharesTheSignalSaysHowToMoveItAndItsSuccessorHasItMoved() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long generationZero = service.start(handoff.argument());
			long generationOne = service.reloadBySignal(generationZero).newPid();
			List<String> warnings = processes.logText().lines().filter((line) -> line.contains(SHARED_SIGNAL_WARNING))
				.toList();
			assertThat(warnings).as("the warning, from generation 0 only").singleElement().satisfies((line) -> {
				assertThat(line).contains(" " + generationZero + " --- ")
					.contains("Start the service with the environment variable _JAVA_SR_SIGNUM=40")
					.contains("zerodowntime.signal=USR1");
			});
			assertThat(service.get("/").servedBy()).isEqualTo(generationOne);
		}
	}

	private static void recordUnderLoad(int port, TestNetwork network) throws Exception {
		try (LoadGenerator load = LoadGenerator.start(port, Mode.KEEP_ALIVE, 2, network.threads())) {
			load.awaitSuccesses(100);
			Thread.sleep(RECORDING.toMillis());
			load.close();
			assertThat(load.failures()).as(load.describe()).isEmpty();
		}
	}

	/**
	 * The method samples the recording holds so far: a JVM whose suspend/resume signal
	 * reaches a reload handler takes almost none.
	 */
	private long executionSamples(long pid) throws Exception {
		Path dump = this.temp.resolve("recording-" + pid + ".jfr");
		Path bin = Path.of(SampleProcesses.javaBinary()).getParent();
		assertThat(run(bin.resolve("jcmd").toString(), Long.toString(pid), "JFR.dump", "name=1",
				"filename=" + dump)).contains("Dumped recording");
		Matcher samples = EXECUTION_SAMPLES.matcher(run(bin.resolve("jfr").toString(), "summary", dump.toString()));
		assertThat(samples.find()).as("execution samples in the summary").isTrue();
		return Long.parseLong(samples.group(1));
	}

	private static String run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
			return new String(process.getInputStream().readAllBytes());
		}
		finally {
			process.destroyForcibly();
		}
	}

}
