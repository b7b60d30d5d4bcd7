package io.zerodowntime.autoconfigure;

import io.zerodowntime.autoconfigure.ZeroDowntimeUnavailableAutoConfiguration.ReloadsUnavailableWarning;
import io.zerodowntime.reload.Reloader;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZeroDowntimeUnavailableAutoConfiguration}.
 */
class ZeroDowntimeUnavailableAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			TomcatServletWebServerAutoConfiguration.class, ZeroDowntimeAutoConfiguration.class,
			ZeroDowntimeUnavailableAutoConfiguration.class,
			ApplicationAvailabilityAutoConfiguration.class);

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS)
		.withPropertyValues("zerodowntime.enabled=true");

	@Test
	void onLinuxWithTomcatReloadsAreOnAndNothingIsLogged() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(Reloader.class)
			.doesNotHaveBean(ReloadsUnavailableWarning.class));
	}

	@Test
	void onWindowsReloadsAreOffAndTheReasonIsLogged() {
		this.runner.withSystemProperties("os.name=Windows 11")
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class)
				.getBean(ReloadsUnavailableWarning.class)
				.extracting(ReloadsUnavailableWarning::getReason)
				.asString()
				.contains("only on Linux, this is Windows 11"));
	}

	@Test
	void withAnotherServersFactoryWhileTomcatIsOnTheClassPathReloadsAreOff() {
		// the application's own factory bean decides the server, whatever the class path holds
		// (Jetty's own factory, without Tomcat: see the compatibility module of a Jetty application)
		ServletWebServerFactory otherServer = (initializers) -> {
			throw new UnsupportedOperationException("not started in this test");
		};
		this.runner.withBean(ServletWebServerFactory.class, () -> otherServer)
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class)
				.getBean(ReloadsUnavailableWarning.class)
				.extracting(ReloadsUnavailableWarning::getReason)
				.asString()
				.contains("not Tomcat (" + otherServer.getClass().getName() + ")"));
	}

	@Test
	void withTomcatsClassesButNoWebServerReloadsAreOffAndTheReasonIsLogged() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(ZeroDowntimeAutoConfiguration.class,
				ZeroDowntimeUnavailableAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class))
			.withPropertyValues("zerodowntime.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class)
				.getBean(ReloadsUnavailableWarning.class)
				.extracting(ReloadsUnavailableWarning::getReason)
				.asString()
				.contains("starts no embedded web server"));
	}

	@Test
	void outsideAServletWebApplicationReloadsAreOffAndTheReasonIsLogged() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("zerodowntime.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class)
				.getBean(ReloadsUnavailableWarning.class)
				.extracting(ReloadsUnavailableWarning::getReason)
				.asString()
				.contains("not a servlet web application"));
	}

	@Test
	void whenNotEnabledNothingIsLogged() {
		this.runner.withPropertyValues("zerodowntime.enabled=false")
			.withSystemProperties("os.name=Windows 11")
			.run((context) -> assertThat(context).doesNotHaveBean(ReloadsUnavailableWarning.class));
	}

}
