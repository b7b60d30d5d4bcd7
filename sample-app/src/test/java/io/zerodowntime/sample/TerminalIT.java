package io.zerodowntime.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample run from a shell in a terminal (a tmux pane, a real pseudo-terminal): with
 * {@code zerodowntime.supervisor=auto} the command stays in the foreground through
 * reloads, the pane shows every generation's log, and Ctrl-C stops the serving generation
 * gracefully and gives the prompt back.
 */
class TerminalIT {

	private static final Duration WAIT = Duration.ofSeconds(240);

	@TempDir
	Path temp;

	private final String server = "zdt-" + UUID.randomUUID().toString().substring(0, 8);

	@Test
	void staysInTheForegroundThroughReloadsAndStopsOnCtrlC() throws Exception {
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.supervisor("auto");
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			String command = processes.command("--server.port=" + port)
				.stream()
				.map((argument) -> "'" + argument + "'")
				.collect(Collectors.joining(" "));
			tmux("new-session", "-d", "-s", "sample", "-x", "250", "-y", "50", "-c", this.temp.toString(),
					"bash --norc --noprofile");
			tmux("send-keys", "-t", "sample", command + "; echo EXITED=$?", "Enter");
			try {
				service.awaitGeneration(0);
				long supervisor = foregroundPid();
				assertThat(pane()).contains("Starting as the supervisor of this service (it runs in a terminal)");
				for (int generation = 1; generation <= 2; generation++) {
					SampleProcesses.signal(supervisor, "USR2");
					service.awaitGeneration(generation);
					awaitPane("as generation " + generation);
					assertThat(foregroundCommand()).isEqualTo("java");
					assertThat(foregroundPid()).isEqualTo(supervisor);
				}
				tmux("send-keys", "-t", "sample", "C-c");
				awaitPane("EXITED=130");
				assertThat(pane()).contains("Commencing graceful shutdown");
				assertThat(foregroundCommand()).isEqualTo("bash");
				assertThat(processes.livePids()).isEmpty();
			}
			finally {
				tmux("kill-server");
			}
		}
	}

	private void awaitPane(String text) throws Exception {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!pane().contains(text) && System.nanoTime() < deadline) {
			Thread.sleep(200);
		}
		assertThat(pane()).contains(text);
	}

	/**
	 * The pane's text, its history included, with wrapped lines joined.
	 */
	private String pane() throws Exception {
		return tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "sample");
	}

	private String foregroundCommand() throws Exception {
		return tmux("display-message", "-p", "-t", "sample", "#{pane_current_command}").trim();
	}

	/**
	 * The pid of the terminal's foreground process group, the command the shell runs.
	 */
	private long foregroundPid() throws Exception {
		long shell = Long.parseLong(tmux("display-message", "-p", "-t", "sample", "#{pane_pid}").trim());
		List<Long> children = SampleProcesses.childrenOf(shell);
		assertThat(children).hasSize(1);
		return children.get(0);
	}

	private String tmux(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("tmux", "-L", this.server));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("tmux " + String.join(" ", arguments) + " did not end");
		}
		return output;
	}

}
