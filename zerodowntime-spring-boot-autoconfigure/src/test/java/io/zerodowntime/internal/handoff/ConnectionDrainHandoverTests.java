package io.zerodowntime.internal.handoff;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.reload.ReloadOutcome;
import io.zerodowntime.reload.ReloadReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectionDrainHandover} in a real application with a separate
 * management server: the drain timeout bounds the exit on every web server.
 */
class ConnectionDrainHandoverTests {

	private static final CountDownLatch slowRequestStarted = new CountDownLatch(1);

	private static final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private Process child;

	private ConfigurableApplicationContext context;

	@AfterEach
	void cleanUp() {
		if (this.child != null) {
			this.child.destroyForcibly();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void theDrainTimeoutCutsOffARequestOnTheManagementServerToo() throws Exception {
		this.context = SpringApplication.run(SlowManagementApplication.class, "--server.port=0",
				"--management.server.port=0", "--management.server.address=127.0.0.1",
				"--management.endpoints.web.exposure.include=slow", "--zerodowntime.enabled=true",
				"--zerodowntime.signal=none", "--zerodowntime.drain-timeout=1s", "--spring.main.banner-mode=off",
				"--spring.lifecycle.timeout-per-shutdown-phase=50s");
		int managementPort = Integer.parseInt(this.context.getEnvironment().getProperty("local.management.port"));
		CompletableFuture<HttpResponse<String>> slow = HttpClient.newHttpClient()
			.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/slow"))
				.timeout(Duration.ofSeconds(60))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(slowRequestStarted.await(20, TimeUnit.SECONDS)).as("slow request started").isTrue();
		// stands in for the new generation: alive for longer than the test
		this.child = new ProcessBuilder("sleep", "120").start();
		ConnectionDrainHandover handover = this.context.getBean(ConnectionDrainHandover.class);
		ReloadReport report = new ReloadReport("test", "test", ReloadOutcome.SUCCEEDED, this.child.pid(), null,
				Instant.now(), null, Duration.ZERO);
		long start = System.nanoTime();
		CompletableFuture<String> handedOver = CompletableFuture.supplyAsync(() -> handover.handOver(report, this.child));
		assertThat(exitCode.get(30, TimeUnit.SECONDS)).isZero();
		// the drain timeout (1 s) bounds the exit; left running, the management server
		// held it for 11 s more
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
		assertThat(handedOver.get(5, TimeUnit.SECONDS)).isNull();
		assertThat(slow).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
			.isInstanceOf(IOException.class);
		this.context = null;
	}

	@SpringBootApplication
	static class SlowManagementApplication {

		@Bean
		ConnectionDrainHandover.ProcessExit recordingExit() {
			return exitCode::complete;
		}

		@Bean
		SlowEndpoint slowEndpoint() {
			return new SlowEndpoint();
		}

	}

	@Endpoint(id = "slow")
	static class SlowEndpoint {

		@ReadOperation
		String slow() throws InterruptedException {
			slowRequestStarted.countDown();
			Thread.sleep(60_000);
			return "slow";
		}

	}

}
