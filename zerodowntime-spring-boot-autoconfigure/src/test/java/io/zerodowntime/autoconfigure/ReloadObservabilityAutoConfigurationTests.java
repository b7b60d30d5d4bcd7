package io.zerodowntime.autoconfigure;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zerodowntime.actuate.ReloadInfoContributor;
import io.zerodowntime.actuate.ReloadMetrics;
import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.reload.Reloader;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReloadObservabilityAutoConfiguration}.
 */
class ReloadObservabilityAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class,
				ZeroDowntimeAutoConfiguration.class,
				ReloadObservabilityAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class))
		.withPropertyValues("zerodowntime.enabled=true");

	@Test
	void metricsCountReloadsByOutcomeAndShowTheGeneration() {
		this.runner.run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(ReloadMetrics.class).bindTo(registry);
			assertThat(count(registry, "success")).isZero();
			assertThat(count(registry, "failed")).isZero();
			assertThat(count(registry, "rejected")).isZero();
			assertThat(registry.get("zerodowntime.generation").gauge().value()).isZero();
			assertThat(registry.get("zerodowntime.reload.duration").tag("outcome", "success").timer().count())
				.isZero();
			// the application has not started, so a trigger is refused
			assertThatExceptionOfType(ReloadRefusedException.class)
				.isThrownBy(() -> context.getBean(Reloader.class).trigger("test"));
			assertThat(count(registry, "rejected")).isOne();
		});
	}

	@Test
	void noMetricsWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReloadMetrics.class));
	}

	@Test
	void infoShowsTheGeneration() {
		this.runner.run((context) -> {
			Info.Builder builder = new Info.Builder();
			context.getBean(ReloadInfoContributor.class).contribute(builder);
			@SuppressWarnings("unchecked")
			Map<String, Object> details = (Map<String, Object>) builder.build().get("zerodowntime");
			assertThat(details).containsEntry("generation", 0)
				.containsEntry("pid", ProcessHandle.current().pid())
				.containsEntry("parentPid", null)
				.containsEntry("handoff", "inherit")
				.containsEntry("reloads", new ReloadCounts(0, 0, 0));
		});
	}

	@Test
	void infoContributionCanBeTurnedOff() {
		this.runner.withPropertyValues("management.info.zerodowntime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReloadInfoContributor.class));
	}

	@Test
	void nothingWhenReloadsAreOff() {
		this.runner.withPropertyValues("zerodowntime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReloadMetrics.class)
				.doesNotHaveBean(ReloadInfoContributor.class));
	}

	private static double count(MeterRegistry registry, String outcome) {
		return registry.get("zerodowntime.reloads").tag("outcome", outcome).functionCounter().count();
	}

}
