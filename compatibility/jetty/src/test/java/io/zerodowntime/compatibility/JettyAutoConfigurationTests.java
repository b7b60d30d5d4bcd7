package io.zerodowntime.compatibility;

import io.zerodowntime.autoconfigure.ZeroDowntimeAutoConfiguration;
import io.zerodowntime.autoconfigure.ZeroDowntimeUnavailableAutoConfiguration;
import io.zerodowntime.reload.Reloader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's auto-configuration on this application's class path (Jetty, no Tomcat):
 * Jetty's factory is the web server, the starter stays off and says why.
 */
@ExtendWith(OutputCaptureExtension.class)
class JettyAutoConfigurationTests {

	@Test
	void withJettysFactoryReloadsAreOffAndTheReasonNamesIt(CapturedOutput output) {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JettyServletWebServerAutoConfiguration.class,
					ZeroDowntimeAutoConfiguration.class, ZeroDowntimeUnavailableAutoConfiguration.class))
			.withPropertyValues("zerodowntime.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(JettyServletWebServerFactory.class)
				.doesNotHaveBean(Reloader.class));
		assertThat(output).containsOnlyOnce("zero-downtime reloads are off: the embedded web server is not Tomcat ("
				+ JettyServletWebServerFactory.class.getName() + ")");
	}

}
