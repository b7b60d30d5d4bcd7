package io.zerodowntime.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The machine around the service breaks: the PID file's directory is gone, {@code /proc}
 * hides the socket tables, the temporary directory (where the control socket goes) is
 * full. Each reload is refused before any child starts, with a reason that names the
 * problem, and the service keeps serving 20 new-connection and 20 keep-alive clients
 * without a failed request; once the machine is mended, a reload succeeds.
 * <p>
 * The sample runs in a mount namespace of its own, with a small {@code tmpfs} as its
 * temporary directory, so that the test can fill that directory and mask its
 * {@code /proc} entries without touching the host's mounts.
 */
class EnvironmentFaultsIT {

	private static final int CLIENTS = 20;

	@TempDir
	Path temp;

	@Test
	void brokenEnvironmentRefusesTheReloadAndTheServiceCarriesOn() throws Exception {
		assumeTrue(POSIXFactory.getNativePOSIX().geteuid() == 0,
				"needs root for a private mount namespace (unshare --mount); skipped");
		HandoffUnderTest handoff = HandoffUnderTest.INHERIT;
		int port = handoff.port();
		Path tmp = Files.createDirectory(this.temp.resolve("tmp"));
		Path runDirectory = Files.createDirectory(this.temp.resolve("run"));
		try (TestNetwork network = handoff.network(); SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.launchWith(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
					"mount -t tmpfs -o size=16m,nr_inodes=256 zdt-tmp \"$0\" && exec \"$@\"", tmp.toString()),
					List.of("-Djava.io.tmpdir=" + tmp));
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port, runDirectory.resolve("app.pid"));
			long pid = service.start(handoff.argument());
			LoadGenerator fresh = LoadGenerator.start(port, Mode.NEW_CONNECTION, CLIENTS, network.threads());
			LoadGenerator keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, CLIENTS, network.threads());
			List<String> reasons = new ArrayList<>();
			try {
				fresh.awaitSuccesses(300);
				keepAlive.awaitSuccesses(300);

				Path movedAway = this.temp.resolve("run.moved");
				Files.move(runDirectory, movedAway);
				Files.writeString(runDirectory, "a file where the PID file's directory was");
				reasons.add(assertRefused(service, processes, pid, "zerodowntime.pid-file", "app.pid"));
				Files.delete(runDirectory);
				Files.move(movedAway, runDirectory);

				Path procNet = Path.of("/proc", Long.toString(pid), "net");
				inMountNamespaceOf(pid, "mount", "-t", "tmpfs", "zdt-masked-proc", procNet.toString());
				try {
					reasons.add(assertRefused(service, processes, pid, "/proc/net/tcp", "can be read"));
				}
				finally {
					inMountNamespaceOf(pid, "umount", procNet.toString());
				}

				Path tmpSeenBySample = Path.of("/proc", Long.toString(pid), "root").resolve(tmp.toString().substring(1));
				List<Path> filler = fill(tmpSeenBySample);
				reasons.add(assertRefused(service, processes, pid, "control channel cannot be created",
						"No space left on device"));
				for (Path file : filler) {
					Files.delete(file);
				}
				assertThat(controlDirectories(tmpSeenBySample)).as("control directories left by refused reloads")
					.isEmpty();

				long triggeredAt = System.nanoTime();
				HttpExchange.Response accepted = service.post("/actuator/reload");
				assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
				pid = service.awaitHandover(pid, triggeredAt).newPid();
				fresh.awaitSuccesses(fresh.successes() + 200);
				assertThat(controlDirectories(Path.of("/proc", Long.toString(pid), "root")
					.resolve(tmp.toString().substring(1)))).as("control directories left by the reload").isEmpty();
			}
			finally {
				fresh.close();
				keepAlive.close();
			}
			reasons.forEach((reason) -> System.out.println("[environment] refused: " + reason));
			System.out.println("[environment] " + (fresh.successes() + keepAlive.successes()) + " requests, failed: "
					+ fresh.failures().size() + " + " + keepAlive.failures().size());
			assertThat(fresh.failures()).as("failed requests; log:\n%s", processes.logText()).isEmpty();
			assertThat(keepAlive.failures()).as("failed keep-alive requests; log:\n%s", processes.logText()).isEmpty();
			assertThat(processes.generationPids()).containsExactly(pid);
			assertThat(service.readPidFile()).isEqualTo(pid);
		}
	}

	/**
	 * Trigger a reload and check that it is refused before any child starts, that the
	 * reason (in the response, the status and the log) names the problem, and that the
	 * same process keeps serving.
	 */
	private String assertRefused(ServiceUnderTest service, SampleProcesses processes, long pid, String... reasonParts)
			throws Exception {
		HttpExchange.Response refused = service.post("/actuator/reload");
		assertThat(refused.status()).as(refused.body()).isEqualTo(503);
		assertThat(refused.body()).contains(reasonParts);
		assertThat(processes.generationPids()).as("processes after a refused reload").containsExactly(pid);
		assertThat(service.get("/actuator/reload").body()).contains("\"state\":\"FAILED\"")
			.doesNotContainPattern("\"childPid\":\\d")
			.contains(reasonParts);
		assertThat(processes.logText()).contains("refused, no child started");
		assertThat(service.get("/").servedBy()).isEqualTo(pid);
		return refused.body();
	}

	/**
	 * Fill a directory's file system until it has no inode left.
	 */
	private static List<Path> fill(Path directory) {
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			Path file = directory.resolve("filler-" + i);
			try {
				Files.createFile(file);
				files.add(file);
			}
			catch (IOException ex) {
				assertThat(ex).hasMessageContaining("No space left on device");
				return files;
			}
		}
		throw new AssertionError("the tmpfs at " + directory + " did not fill up");
	}

	private static List<Path> controlDirectories(Path directory) throws IOException {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith("zerodowntime-")).toList();
		}
	}

	private static void inMountNamespaceOf(long pid, String... command) throws Exception {
		List<String> nsenter = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "--"));
		nsenter.addAll(List.of(command));
		Process process = new ProcessBuilder(nsenter).redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", nsenter).isTrue();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.exitValue()).as("%s: %s", nsenter, output).isZero();
	}

}
