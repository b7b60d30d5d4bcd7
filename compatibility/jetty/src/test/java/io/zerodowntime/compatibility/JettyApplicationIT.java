package io.zerodowntime.compatibility;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC application on Jetty (Tomcat excluded from the web starter, the usual way)
 * with the starter and {@code zerodowntime.enabled=true}: the starter brings no Tomcat back,
 * stays off and says why once, and a reload signal is logged as ignored instead of ending
 * the service.
 */
class JettyApplicationIT {

	private static final String OFF = "zero-downtime reloads are off: the embedded web server is not Tomcat "
			+ "(org.springframework.boot.jetty.servlet.JettyServletWebServerFactory)";

	@TempDir
	Path temp;

	@Test
	void theStarterBringsNoTomcat() throws Exception {
		try (JarFile jar = new JarFile(SampleProcesses.sampleJar().toFile())) {
			List<String> libraries = jar.stream()
				.map(ZipEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.toList();
			assertThat(libraries).anyMatch((name) -> name.contains("zerodowntime-spring-boot-autoconfigure"))
				.anyMatch((name) -> name.contains("jetty-server"))
				// Jetty's own starter brings Tomcat's EL implementation, nothing else of Tomcat
				.noneMatch((name) -> name.contains("tomcat-embed-core") || name.contains("spring-boot-tomcat"));
		}
	}

	@Test
	void servesOnJettySaysOnceWhyReloadsAreOffAndIgnoresTheSignal() throws Exception {
		int port = HandoffUnderTest.INHERIT.port();
		try (TestNetwork network = HandoffUnderTest.INHERIT.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			Process process = processes.start("--server.port=" + port, "--zerodowntime.enabled=true");
			HttpExchange.Response answer = processes.awaitAnswer(process, port);
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.servedBy()).isEqualTo(process.pid());
			assertThat(processes.logText()).containsOnlyOnce(OFF).containsOnlyOnce("zero-downtime reloads are off");

			SampleProcesses.signal(process.pid(), "USR2");
			processes.awaitLogLine((line) -> line.contains("SIGUSR2 ignored: " + OFF), Duration.ofSeconds(30));
			assertThat(processes.logText()).contains("SIGUSR2 ignored: " + OFF);
			assertThat(process.isAlive()).isTrue();
			assertThat(HttpExchange.send(port, "GET", "/").servedBy()).isEqualTo(process.pid());
			assertThat(processes.logText()).doesNotContain("has not finished starting").doesNotContain("Exception");
		}
	}

}
