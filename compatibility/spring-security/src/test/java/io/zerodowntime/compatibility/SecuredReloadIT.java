package io.zerodowntime.compatibility;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Spring Security set-up, as a deploy script uses it with the JDK's
 * {@code HttpClient}: without credentials the reload endpoint answers 401, without the
 * role 403, and with the role the reload is accepted (no CSRF token) and the new
 * generation takes over.
 */
class SecuredReloadIT {

	private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(180);

	@TempDir
	Path temp;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void aScriptWithTheRoleReloadsAndNobodyElseCan() throws Exception {
		int port = HandoffUnderTest.INHERIT.port();
		try (TestNetwork network = HandoffUnderTest.INHERIT.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			Process process = processes.start("--server.port=" + port);
			long pid = processes.awaitAnswer(process, port).servedBy();
			assertThat(pid).isEqualTo(process.pid());
			awaitReady(port);

			assertThat(postReload(port, null).statusCode()).isEqualTo(401);
			assertThat(postReload(port, "viewer:viewer-secret").statusCode()).isEqualTo(403);
			HttpResponse<String> accepted = postReload(port, "ops:ops-secret");
			assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

			long child = awaitNewPidServing(port, pid);
			assertThat(SampleProcesses.awaitExit(pid, RELOAD_TIMEOUT)).as(processes.logText()).isTrue();
			assertThat(HttpExchange.send(port, "GET", "/").servedBy()).isEqualTo(child);
		}
	}

	private HttpResponse<String> postReload(int port, String credentials) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/reload"))
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.noBody());
		if (credentials != null) {
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	// a reload is refused until the application has finished starting
	private void awaitReady(int port) throws Exception {
		long deadline = System.nanoTime() + SampleProcesses.STARTUP.toNanos();
		while (System.nanoTime() < deadline) {
			HttpResponse<String> health = this.client.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
					HttpResponse.BodyHandlers.ofString());
			if (health.statusCode() == 200) {
				return;
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("not ready within " + SampleProcesses.STARTUP);
	}

	private static long awaitNewPidServing(int port, long oldPid) throws Exception {
		long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			long servedBy = HttpExchange.send(port, "GET", "/").servedBy();
			if (servedBy != oldPid) {
				return servedBy;
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("no new generation served within " + RELOAD_TIMEOUT);
	}

}
