package io.zerodowntime.autoconfigure;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.CountingMode;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zerodowntime.actuate.ReloadInfoContributor;
import io.zerodowntime.actuate.ReloadMetrics;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.reload.Reloader;
import org.jspecify.annotations.Nullable;
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

	private static final SimpleConfig STEP_MODE = new SimpleConfig() {

		@Override
		public CountingMode mode() {
			return CountingMode.STEP;
		}

		@Override
		public @Nullable String get(String key) {
			return null;
		}

	};

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
			assertThat(count(registry, "succeeded")).isZero();
			assertThat(count(registry, "failed")).isZero();
			assertThat(count(registry, "rejected")).isZero();
			assertThat(registry.get("zerodowntime.generation").gauge().value()).isZero();
			assertThat(registry.get("zerodowntime.reload.duration").tag("outcome", "succeeded").timer().count())
				.isZero();
			// the application has not started, so a trigger is refused
			assertThatExceptionOfType(ReloadRefusedException.class)
				.isThrownBy(() -> context.getBean(Reloader.class).trigger("test"));
			assertThat(count(registry, "rejected")).isOne();
		});
	}

	@Test
	void inAStepRegistryANewGenerationPublishesTheReloadThatMadeItOnce() {
		this.runner.run((context) -> {
			MockClock clock = new MockClock();
			SimpleMeterRegistry registry = new SimpleMeterRegistry(STEP_MODE, clock);
			ReloadMetrics metrics = context.getBean(ReloadMetrics.class);
			metrics.bindTo(registry);
			// generation 5: its parent had counted 4 successes, 2 failures and 1 refusal, which
			// that parent's registry published
			metrics.serving(new Generation(5, 4242, 4241L, "r5", Path.of("control.sock"), "token",
					Instant.now().minusSeconds(12), new ReloadCounts(4, 2, 1)));
			clock.add(STEP_MODE.step());
			assertThat(count(registry, "succeeded")).isOne();
			assertThat(count(registry, "failed")).isZero();
			assertThat(count(registry, "rejected")).isZero();
			assertThat(registry.get("zerodowntime.reload.duration").tag("outcome", "succeeded").timer().count())
				.isOne();

			metrics.rejected("signal", "a reload is already running");
			clock.add(STEP_MODE.step());
			assertThat(count(registry, "succeeded")).isZero();
			assertThat(count(registry, "rejected")).isOne();
		});
	}

	@Test
	void generationZeroStartingIsNotAReload() {
		this.runner.run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			ReloadMetrics metrics = context.getBean(ReloadMetrics.class);
			metrics.bindTo(registry);
			metrics.serving(context.getBean(Generation.class));
			assertThat(count(registry, "succeeded")).isZero();
			assertThat(registry.get("zerodowntime.reload.duration").tag("outcome", "succeeded").timer().count())
				.isZero();
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
		return registry.get("zerodowntime.reloads").tag("outcome", outcome).counter().count();
	}

}
