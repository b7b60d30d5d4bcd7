package io.zerodowntime.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload that cannot work leaves the serving generation untouched and says why: a
 * corrupt jar renamed into place is refused before any child starts; a child that reports
 * {@code DOWN}, crashes during startup, or cannot complete a required warm-up is stopped. Under load, nobody notices; a good jar
 * renamed back reloads normally. Load comes from 20 clients opening a new connection per
 * request and 20 keep-alive clients.
 */
class ReloadRollbackIT {

	private static final Pattern COUNT = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)");

	@TempDir
	Path temp;

	@ParameterizedTest(name = "{0} handoff")
	@EnumSource(HandoffUnderTest.class)
	void failedReloadsRollBackAndLoseNothing(HandoffUnderTest handoff) throws Exception {
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			Path healthFile = this.temp.resolve("health.txt");
			Path extraConfig = this.temp.resolve("extra.properties");
			long pid = service.start(handoff.argument(), "--zerodowntime.startup-timeout=90s",
					"--sample.health-file=" + healthFile, "--spring.config.import=optional:file:" + extraConfig);
			Path goodJar = this.temp.resolve("good.jar");
			Files.copy(processes.jar(), goodJar);
			LoadGenerator load = LoadGenerator.start(port, Mode.NEW_CONNECTION, 20, network.threads());
			LoadGenerator keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, 20, network.threads());
			try {
				load.awaitSuccesses(500);

				Path corrupt = this.temp.resolve("corrupt.jar");
				byte[] garbage = new byte[64 * 1024];
				new Random(42).nextBytes(garbage);
				Files.write(corrupt, garbage);
				Files.move(corrupt, processes.jar(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				HttpExchange.Response refused = service.post("/actuator/reload");
				assertThat(refused.status()).as(refused.body()).isEqualTo(503);
				assertThat(refused.body()).contains("app.jar");
				assertThat(processes.generationPids()).as("no child for a corrupt jar").containsExactly(pid);
				assertThat(service.get("/actuator/reload").body()).contains("\"state\":\"FAILED\"")
					.contains("pre-flight check failed");
				Files.move(goodJar, processes.jar(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

				Files.writeString(healthFile, "DOWN");
				String downReason = awaitFailedReload(service, pid);
				assertThat(downReason).contains("not healthy").contains("DOWN").contains("switchable");
				Files.delete(healthFile);

				Files.writeString(extraConfig, "zerodowntime.drain-timeout=-1s\n");
				String crashReason = awaitFailedReload(service, pid);
				assertThat(crashReason).contains("exited with code 1 before it was ready");

				// each warm-up request takes longer than the whole warm-up may
				Files.writeString(extraConfig, "zerodowntime.warm-up.required=true\n"
						+ "zerodowntime.warm-up.paths=/slow?ms=5000\nzerodowntime.warm-up.timeout=2s\n");
				String coldReason = awaitFailedReload(service, pid);
				assertThat(coldReason).contains("warm-up incomplete").contains("/slow?ms=5000");
				Files.delete(extraConfig);
				assertThat(reloads(service, "failed")).as("failed reloads counted by the serving generation")
					.isEqualTo(3);
				assertThat(reloads(service, "rejected")).as("refused reload (corrupt jar)").isEqualTo(1);
				assertThat(reloads(service, "succeeded")).isZero();

				assertThat(service.get("/").servedBy()).isEqualTo(pid);
				long triggeredAt = System.nanoTime();
				HttpExchange.Response accepted = service.post("/actuator/reload");
				assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
				HttpExchange.Response whileStarting = service.post("/actuator/reload");
				assertThat(whileStarting.status()).as(whileStarting.body()).isEqualTo(409);
				pid = service.awaitHandover(pid, triggeredAt).newPid();
				load.awaitSuccesses(load.successes() + 200);
				// metrics count per generation (a monitoring system reads a new one as a restart), the
				// status carries the service's counts along the chain
				assertThat(reloads(service, "succeeded")).as("the new generation counts the reload that made it")
					.isEqualTo(1);
				assertThat(reloads(service, "failed")).as("counted by the old generation, not again").isZero();
				assertThat(reloads(service, "rejected")).as("counted by the old generation, not again").isZero();
				assertThat(service.get("/actuator/reload").body()).as("the trigger refused while the child started, carried")
					.contains("\"reloads\":{\"succeeded\":1,\"failed\":3,\"rejected\":2}");
				assertThat(service.get("/actuator/reload").body()).as("the new generation shows the reload that made it")
					.contains("\"state\":\"IDLE\"")
					.doesNotContain("\"lastReload\":null")
					.contains("\"id\":\"" + ServiceUnderTest.reloadId(accepted) + "\"", "\"trigger\":\"endpoint\"",
							"\"outcome\":\"SUCCEEDED\"", "\"childPid\":" + pid);
				assertThat(service.get("/actuator/metrics/zerodowntime.reload.duration?tag=outcome:succeeded").body())
					.contains("\"statistic\":\"COUNT\",\"value\":1.0");
				assertThat(service.get("/actuator/info").body()).contains("\"generation\":1")
					.contains("\"pid\":" + pid);
			}
			finally {
				load.close();
				keepAlive.close();
			}
			System.out.println("[rollback " + handoff + "] " + load.successes() + " + " + keepAlive.successes()
					+ " requests (new connection + keep-alive), " + (load.failures().size() + keepAlive.failures().size())
					+ " failed");
			assertThat(load.failures()).as("failed requests; log:\n%s", processes.logText()).isEmpty();
			assertThat(keepAlive.failures()).as("failed keep-alive requests; log:\n%s", processes.logText()).isEmpty();
			assertThat(processes.generationPids()).containsExactly(pid);
		}
	}

	private static long reloads(ServiceUnderTest service, String outcome) throws Exception {
		HttpExchange.Response metric = service.get("/actuator/metrics/zerodowntime.reloads?tag=outcome:" + outcome);
		assertThat(metric.status()).as(metric.body()).isEqualTo(200);
		Matcher value = COUNT.matcher(metric.body());
		assertThat(value.find()).as(metric.body()).isTrue();
		return (long) Double.parseDouble(value.group(1));
	}

	/**
	 * Trigger a reload that is expected to fail once its child runs; wait until the
	 * serving generation reports it failed and its child is gone, and return the reason.
	 */
	private String awaitFailedReload(ServiceUnderTest service, long pid) throws Exception {
		ServiceUnderTest.FailedReload failed = service.triggerFailingReload();
		long childPid = failed.childPid();
		String status = failed.status();
		assertThat(status).contains("\"state\":\"FAILED\"").contains("\"outcome\":\"FAILED\"");
		assertThat(SampleProcesses.awaitExit(childPid, Duration.ofSeconds(30))).as("child %d stopped", childPid)
			.isTrue();
		assertThat(service.get("/").servedBy()).as("old generation keeps serving").isEqualTo(pid);
		assertThat(service.readPidFile()).isEqualTo(pid);
		Matcher reason = Pattern.compile("\"reason\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(status);
		assertThat(reason.find()).as(status).isTrue();
		return reason.group(1);
	}

}
