package io.zerodowntime.autoconfigure;

import io.zerodowntime.autoconfigure.ZeroDowntimeUnavailableAutoConfiguration.ReloadsUnavailableWarning;
import io.zerodowntime.reload.Reloader;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZeroDowntimeUnavailableAutoConfiguration}.
 */
class ZeroDowntimeUnavailableAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			ZeroDowntimeAutoConfiguration.class, ZeroDowntimeUnavailableAutoConfiguration.class,
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
	void withoutTomcatReloadsAreOffAndTheReasonIsLogged() {
		this.runner.withClassLoader(new FilteredClassLoader(Tomcat.class))
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class)
				.getBean(ReloadsUnavailableWarning.class)
				.extracting(ReloadsUnavailableWarning::getReason)
				.asString()
				.contains("not Tomcat"));
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
