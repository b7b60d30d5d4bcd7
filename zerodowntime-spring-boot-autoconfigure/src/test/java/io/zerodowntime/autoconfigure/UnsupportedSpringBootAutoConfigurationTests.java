package io.zerodowntime.autoconfigure;

import io.zerodowntime.autoconfigure.UnsupportedSpringBootAutoConfiguration.UnsupportedSpringBootWarning;
import io.zerodowntime.autoconfigure.ZeroDowntimeUnavailableAutoConfiguration.ReloadsUnavailableWarning;
import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.reload.Reloader;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UnsupportedSpringBootAutoConfiguration}: an application on an older
 * Spring Boot line (here, one whose class loader lacks the class Spring Boot 4 added) gets
 * one line and none of the starter's beans.
 */
class UnsupportedSpringBootAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class,
				ZeroDowntimeAutoConfiguration.class, ReloadEndpointAutoConfiguration.class,
				ReloadObservabilityAutoConfiguration.class, ZeroDowntimeUnavailableAutoConfiguration.class,
				UnsupportedSpringBootAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class))
		.withPropertyValues("zerodowntime.enabled=true");

	@Test
	void onAnOlderSpringBootOnlyTheLineSayingSoIsThere() {
		this.runner.withClassLoader(new FilteredClassLoader(ReloadPlatform.SPRING_BOOT_4_CLASS::equals))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(Reloader.class)
					.doesNotHaveBean(ReloadsUnavailableWarning.class);
				assertThat(context.getBean(UnsupportedSpringBootWarning.class).getMessage())
					.startsWith("zerodowntime-spring-boot-starter needs Spring Boot 4.0 or later, this application "
							+ "runs Spring Boot ")
					.endsWith(": zero-downtime reloads are off");
			});
	}

	@Test
	void onSpringBoot4ThereIsNoSuchLine() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(Reloader.class)
			.doesNotHaveBean(UnsupportedSpringBootWarning.class));
	}

}
