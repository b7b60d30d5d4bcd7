package io.zerodowntime.compatibility;

import java.nio.file.Path;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot 3.5 application with the starter on its class path and
 * {@code zerodowntime.enabled=true}, packaged and run as its users would: it starts and
 * serves as it would without the starter, and one line says why reloads are off.
 */
class SpringBoot3ApplicationIT {

	@TempDir
	Path temp;

	@Test
	void startsNormallyAndSaysOnceThatTheStarterNeedsSpringBoot4() throws Exception {
		int port = HandoffUnderTest.INHERIT.port();
		try (TestNetwork network = HandoffUnderTest.INHERIT.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			Process process = processes.start("--server.port=" + port, "--zerodowntime.enabled=true");
			HttpExchange.Response answer = processes.awaitAnswer(process, port);
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.servedBy()).isEqualTo(process.pid());
			assertThat(answer.body()).endsWith("Spring Boot 3.5.7");
			String log = processes.logText();
			assertThat(log).containsOnlyOnce("zerodowntime-spring-boot-starter needs Spring Boot 4.0 or later, "
					+ "this application runs Spring Boot 3.5.7: zero-downtime reloads are off")
				.containsOnlyOnce("zero-downtime reloads are off")
				.doesNotContain("Exception");
		}
	}

}
