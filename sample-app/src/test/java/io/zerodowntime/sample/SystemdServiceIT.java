package io.zerodowntime.sample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.NetworkNamespace;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.SystemdContainer;
import io.zerodowntime.harness.SystemdContainer.Result;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample as a systemd service, with the project's own unit ({@code docs/systemd}),
 * under a real systemd 252 booted in a container: {@code systemctl reload} returns once
 * the new generation serves, under load, with no failed request and the same MainPID;
 * a reload that cannot succeed makes {@code systemctl reload} fail while the service keeps
 * serving; {@code systemctl stop} lets a request in flight complete and ends the unit
 * cleanly; a generation killed outright is restarted by systemd.
 */
class SystemdServiceIT {

	private static final String UNIT = "myservice";

	private static final int PORT = 8080;

	private static final Duration WAIT = Duration.ofSeconds(180);

	@TempDir
	Path work;

	@Test
	void reloadStopAndRestartUnderSystemd() throws Exception {
		assumeTrue(POSIXFactory.getNativePOSIX().geteuid() == 0, "needs root to boot a container; skipped");
		Files.copy(SampleProcesses.sampleJar(), this.work.resolve("app.jar"));
		Path healthFile = this.work.resolve("health.txt");
		installUnit(healthFile);
		try (SystemdContainer container = SystemdContainer.boot(this.work, "zdt-" + ProcessHandle.current().pid());
				NetworkNamespace network = NetworkNamespace.attach(container.leaderPid())) {
			container.exec("cp", this.work.resolve(UNIT + ".service").toString(), "/etc/systemd/system/");
			container.exec("mkdir", "-p", "/etc/systemd/system/" + UNIT + ".service.d");
			container.exec("cp", this.work.resolve("test.conf").toString(),
					"/etc/systemd/system/" + UNIT + ".service.d/");
			container.exec("systemctl", "daemon-reload");
			assertSucceeded(container.exec("systemctl", "start", UNIT), container);
			Map<String, String> started = container.show(UNIT, "MainPID", "ActiveState", "NRestarts");
			assertThat(started).containsEntry("ActiveState", "active").containsEntry("NRestarts", "0");
			String mainPid = started.get("MainPID");
			assertThat(generationServing(network)).isZero();

			try (LoadGenerator load = LoadGenerator.start(PORT, Mode.KEEP_ALIVE, 4, network.threads());
					LoadGenerator fresh = LoadGenerator.start(PORT, Mode.NEW_CONNECTION, 2, network.threads())) {
				load.awaitSuccesses(200);
				for (int generation = 1; generation <= 3; generation++) {
					assertSucceeded(container.exec("systemctl", "reload", UNIT), container);
					// the reload has ended when systemctl returns: the new generation serves
					assertThat(generationServing(network)).isEqualTo(generation);
					assertThat(container.show(UNIT, "MainPID", "ActiveState", "NRestarts"))
						.containsEntry("MainPID", mainPid)
						.containsEntry("ActiveState", "active")
						.containsEntry("NRestarts", "0");
				}

				// a new version that reports unhealthy is rolled back and the reload fails, saying why
				Files.writeString(healthFile, "DOWN");
				Result unhealthy = container.exec("systemctl", "reload", UNIT);
				assertThat(unhealthy.exitCode()).as(unhealthy.output()).isNotZero();
				assertThat(journal(container)).contains("reload failed: Reload ").contains("is not healthy");
				Files.writeString(healthFile, "UP");
				assertThat(generationServing(network)).isEqualTo(3);

				// a corrupt jar: the reload fails, the service serves on
				Path jar = this.work.resolve("app.jar");
				Path good = Files.move(jar, this.work.resolve("good.jar"));
				Files.write(jar, new byte[64 * 1024]);
				Result corrupt = container.exec("systemctl", "reload", UNIT);
				assertThat(corrupt.exitCode()).as(corrupt.output()).isNotZero();
				assertThat(generationServing(network)).isEqualTo(3);
				Files.move(good, jar, StandardCopyOption.REPLACE_EXISTING);

				load.awaitSuccesses(load.successes() + 200);
				load.close();
				fresh.close();
				assertThat(load.failures()).as(load.describe()).isEmpty();
				assertThat(fresh.failures()).as(fresh.describe()).isEmpty();
			}

			// stop with a request in flight: it completes, the generation shuts down gracefully
			CompletableFuture<HttpExchange.Response> slow = network
				.async(() -> HttpExchange.sendSlow(PORT, "GET", "/slow?ms=4000", Duration.ofSeconds(60)));
			// the request is local: two seconds are far more than it needs to reach the service
			Thread.sleep(2000);
			assertSucceeded(container.exec("systemctl", "stop", UNIT), container);
			assertThat(slow.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
			assertThat(container.show(UNIT, "ActiveState", "Result"))
				.containsEntry("ActiveState", "inactive")
				.containsEntry("Result", "success");
			assertThat(journal(container)).contains("Commencing graceful shutdown");
			assertThat(container.exec("pgrep", "-f", "app.jar").output()).isBlank();

			// a generation killed outright: the supervisor exits with its status, systemd restarts
			assertSucceeded(container.exec("systemctl", "start", UNIT), container);
			String supervisor = container.show(UNIT, "MainPID").get("MainPID");
			String serving = container.exec("pgrep", "-P", supervisor, "java").output().trim();
			assertThat(serving).matches("\\d+");
			container.exec("kill", "-KILL", serving);
			awaitRestart(container);
			assertThat(generationServing(network)).isZero();
			assertSucceeded(container.exec("systemctl", "stop", UNIT), container);
		}
	}

	/**
	 * The project's unit with its paths pointing at the work directory, and a drop-in that
	 * adds what the test needs: a health switch and short timeouts.
	 */
	private void installUnit(Path healthFile) throws Exception {
		Path unit = Path.of("..", "docs", "systemd", UNIT + ".service");
		String text = Files.readString(unit, StandardCharsets.UTF_8).replace("/opt/myservice", this.work.toString());
		Files.writeString(this.work.resolve(UNIT + ".service"), text);
		String execStart = text.lines()
			.filter((line) -> line.startsWith("ExecStart="))
			.findFirst()
			.orElseThrow();
		Files.writeString(healthFile, "UP");
		Files.writeString(this.work.resolve("test.conf"), "[Service]\nExecStart=\n" + execStart
				+ " --sample.health-file=" + healthFile + " --zerodowntime.startup-timeout=90s\n");
	}

	private static int generationServing(NetworkNamespace network) throws Exception {
		String body = network.call(() -> HttpExchange.send(PORT, "GET", "/")).body();
		return Integer.parseInt(body.replaceAll("(?s).*generation=(\\d+).*", "$1"));
	}

	private static String journal(SystemdContainer container) throws Exception {
		return container.exec("journalctl", "-u", UNIT, "--no-pager", "-o", "cat").output();
	}

	private static void assertSucceeded(Result result, SystemdContainer container) throws Exception {
		assertThat(result.exitCode()).as(result.output() + "\n" + journal(container)).isZero();
	}

	private static void awaitRestart(SystemdContainer container) throws Exception {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			Map<String, String> state = container.show(UNIT, "ActiveState", "NRestarts");
			if ("1".equals(state.get("NRestarts")) && "active".equals(state.get("ActiveState"))) {
				return;
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("systemd did not restart the service: " + journal(container));
	}

}
