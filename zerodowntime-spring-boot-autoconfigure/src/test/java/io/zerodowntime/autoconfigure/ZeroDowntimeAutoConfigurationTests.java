package io.zerodowntime.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.zerodowntime.actuate.ActuatorHealthProbe;
import io.zerodowntime.actuate.ReloadEndpoint;
import io.zerodowntime.actuate.ReloadWebEndpointExtension;
import io.zerodowntime.internal.handoff.GenerationStartup;
import io.zerodowntime.internal.handoff.ReadinessStateHealthProbe;
import io.zerodowntime.internal.overlap.BackgroundWorkGate;
import io.zerodowntime.internal.overlap.GatedScheduling;
import io.zerodowntime.internal.reload.ChildLauncher;
import io.zerodowntime.internal.reload.InheritingChildLauncher;
import io.zerodowntime.internal.reload.ReloadCoordinator;
import io.zerodowntime.internal.signal.SignalReloadTrigger;
import io.zerodowntime.internal.tomcat.HandoffConnectors;
import io.zerodowntime.internal.warmup.RecentRequests;
import io.zerodowntime.internal.warmup.RecentRequestsFilter;
import io.zerodowntime.internal.warmup.WarmUp;
import io.zerodowntime.internal.tomcat.HandoffTomcatCustomizer;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.HealthProbe;
import io.zerodowntime.reload.LongLivedDrain;
import io.zerodowntime.reload.MemoryCheck;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.reload.Reloader;
import io.zerodowntime.tomcat.HandoffHttp11NioProtocol;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ZeroDowntimeAutoConfiguration} and
 * {@link ReloadEndpointAutoConfiguration}.
 */
class ZeroDowntimeAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class,
				ZeroDowntimeAutoConfiguration.class,
				ReloadEndpointAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
				EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class));

	@TempDir
	Path temp;

	@Test
	void isOffByDefault() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class)
			.doesNotHaveBean(HandoffTomcatCustomizer.class)
			.doesNotHaveBean(SignalReloadTrigger.class)
			.doesNotHaveBean(ReloadEndpoint.class));
	}

	@Test
	void isOffWhenDisabled() {
		this.runner.withPropertyValues("zerodowntime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class));
	}

	@Test
	void whenEnabledConfiguresTheReloadAndTheTomcatProtocol() {
		this.runner.withPropertyValues("zerodowntime.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(Reloader.class)
				.hasSingleBean(HandoffConnectors.class)
				.hasSingleBean(GenerationStartup.class)
				.hasSingleBean(SignalReloadTrigger.class)
				.hasSingleBean(Generation.class);
			assertThat(context.getBean(Reloader.class).status().handoff()).isEqualTo(HandoffMode.INHERIT);
			assertThat(context.getBean(ChildLauncher.class)).isInstanceOf(InheritingChildLauncher.class);
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			context.getBean(HandoffTomcatCustomizer.class).customize(factory);
			assertThat(factory.getProtocol()).isEqualTo(HandoffHttp11NioProtocol.class.getName());
		});
	}

	@Test
	void reuseportModeLaunchesWithoutPassingTheListener() {
		this.runner.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.handoff=reuseport")
			.run((context) -> {
				assertThat(context.getBean(Reloader.class).status().handoff()).isEqualTo(HandoffMode.REUSEPORT);
				assertThat(context.getBean(ChildLauncher.class)).isExactlyInstanceOf(ChildLauncher.class);
			});
	}

	@Test
	void backsOffWithoutTomcat() {
		this.runner.withPropertyValues("zerodowntime.enabled=true")
			.withClassLoader(new FilteredClassLoader(Tomcat.class))
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class)
				.doesNotHaveBean(ReloadEndpoint.class));
	}

	@Test
	void backsOffInANonWebApplication() {
		new org.springframework.boot.test.context.runner.ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ZeroDowntimeAutoConfiguration.class))
			.withPropertyValues("zerodowntime.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(Reloader.class));
	}

	@Test
	void endpointIsOffUnlessAccessIsGranted() {
		this.runner.withPropertyValues("zerodowntime.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(ReloadEndpoint.class));
	}

	@Test
	void endpointAndWebExtensionWhenAccessIsGrantedAndExposed() {
		this.runner
			.withPropertyValues("zerodowntime.enabled=true", "management.endpoint.reload.access=UNRESTRICTED",
					"management.endpoints.web.exposure.include=reload")
			.run((context) -> assertThat(context).hasSingleBean(ReloadEndpoint.class)
				.hasSingleBean(ReloadWebEndpointExtension.class));
	}

	@Test
	void withoutActuatorTheReloadStillWorksAndHealthFallsBackToReadiness() {
		this.runner.withPropertyValues("zerodowntime.enabled=true", "management.endpoint.reload.access=UNRESTRICTED",
				"management.endpoints.web.exposure.include=reload")
			.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthEndpoint.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(Reloader.class).doesNotHaveBean(ReloadEndpoint.class);
				assertThat(context).doesNotHaveBean(HealthProbe.class);
				assertThat(context.getBean(GenerationStartup.class)).extracting("healthProbe")
					.isInstanceOf(ReadinessStateHealthProbe.class);
			});
	}

	@Test
	void usesActuatorHealthWhenPresent() {
		this.runner.withPropertyValues("zerodowntime.enabled=true")
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(ActuatorHealthProbe.class));
	}

	@Test
	void backsOffWhenTheUserDefinesTheBeans() {
		this.runner.withPropertyValues("zerodowntime.enabled=true", "management.endpoint.reload.access=UNRESTRICTED",
				"management.endpoints.web.exposure.include=reload")
			.withUserConfiguration(UserBeans.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(Reloader.class).hasSingleBean(ReloadEndpoint.class);
				assertThat(context.getBean(ReloadEndpoint.class)).isSameAs(context.getBean("userEndpoint"));
				assertThat(context.getBean(HealthProbe.class)).isSameAs(context.getBean("userProbe"));
			});
	}

	@Test
	void theApplicationsReloadListenerBeansAreTold() {
		this.runner.withPropertyValues("zerodowntime.enabled=true")
			.withBean("userListener", RecordingListener.class)
			.run((context) -> {
				Reloader reloader = context.getBean(Reloader.class);
				// before the application serves, a trigger is refused: listeners hear of it
				assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(() -> reloader.trigger("test"));
				assertThat(context.getBean(RecordingListener.class).rejected).containsExactly("test");
			});
	}

	static class RecordingListener implements ReloadListener {

		final List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void rejected(String trigger, String reason) {
			this.rejected.add(trigger);
		}

	}

	@Test
	void bindsProperties() {
		Path pidFile = this.temp.resolve("app.pid");
		this.runner
			.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.handoff=reuseport",
					"zerodowntime.startup-timeout=45s", "zerodowntime.drain-timeout=2m",
					"zerodowntime.pid-file=" + pidFile, "zerodowntime.signal=sigusr2")
			.run((context) -> {
				ZeroDowntimeProperties properties = context.getBean(ZeroDowntimeProperties.class);
				assertThat(properties.getHandoff()).isEqualTo(HandoffMode.REUSEPORT);
				assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofSeconds(45));
				assertThat(properties.getDrainTimeout()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.getPidFile()).isEqualTo(pidFile);
				assertThat(properties.getSignalName()).isEqualTo("USR2");
			});
	}

	@Test
	void signalNoneTurnsSignalHandlingOff() {
		this.runner.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.signal=none")
			.run((context) -> assertThat(context).hasSingleBean(Reloader.class)
				.doesNotHaveBean(SignalReloadTrigger.class));
	}

	@Test
	void signalNameIsNormalized() {
		ZeroDowntimeProperties properties = new ZeroDowntimeProperties();
		properties.setSignal(" sighup ");
		assertThat(properties.getSignalName()).isEqualTo("HUP");
		properties.setSignal("None");
		assertThat(properties.getSignalName()).isNull();
	}

	@Test
	void defaults() {
		ZeroDowntimeProperties properties = new ZeroDowntimeProperties();
		assertThat(properties.isEnabled()).isFalse();
		assertThat(properties.getHandoff()).isEqualTo(HandoffMode.INHERIT);
		assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofMinutes(2));
		assertThat(properties.getDrainTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getSignalName()).isEqualTo("USR2");
		assertThat(properties.getPidFile()).isNull();
		assertThat(properties.getMemoryCheck()).isEqualTo(MemoryCheck.WARN);
	}

	@Test
	void unknownMemoryCheckFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.memory-check", "zerodowntime.memory-check=sometimes");
	}

	@Test
	void tlsHandshakesRunOnePerProcessorAtOnceUnlessConfigured() {
		this.runner.withPropertyValues("zerodowntime.enabled=true")
			.run((context) -> assertThat(context.getBean(HandoffConnectors.class)).extracting("handshakeConcurrency")
				.isEqualTo(Runtime.getRuntime().availableProcessors()));
		this.runner.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.tls-handshake-concurrency=0")
			.run((context) -> assertThat(context.getBean(HandoffConnectors.class)).extracting("handshakeConcurrency")
				.isEqualTo(0));
	}

	@Test
	void negativeTlsHandshakeConcurrencyFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.tls-handshake-concurrency", "zerodowntime.tls-handshake-concurrency=-1");
	}

	@Test
	void longLivedExchangesEndAtTheDrainUnlessKept() {
		this.runner.withPropertyValues("zerodowntime.enabled=true").run((context) -> {
			HandoffConnectors connectors = context.getBean(HandoffConnectors.class);
			assertThat(connectors.getWebsocketDrain()).isEqualTo(LongLivedDrain.END);
			assertThat(connectors.getStreamingDrain()).isEqualTo(LongLivedDrain.END);
		});
		this.runner
			.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.websocket-drain=keep",
					"zerodowntime.streaming-drain=keep")
			.run((context) -> {
				HandoffConnectors connectors = context.getBean(HandoffConnectors.class);
				assertThat(connectors.getWebsocketDrain()).isEqualTo(LongLivedDrain.KEEP);
				assertThat(connectors.getStreamingDrain()).isEqualTo(LongLivedDrain.KEEP);
			});
	}

	@Test
	void unknownWebsocketDrainFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.websocket-drain", "zerodowntime.websocket-drain=close");
	}

	@Test
	void unknownStreamingDrainFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.streaming-drain", "zerodowntime.streaming-drain=later");
	}

	@Test
	void aNewGenerationWarmsUpUnlessTurnedOff() {
		this.runner.withPropertyValues("zerodowntime.enabled=true").run((context) -> {
			assertThat(context.getBean(GenerationStartup.class)).extracting("warmUp")
				.isInstanceOf(WarmUp.class)
				.extracting("paths", "requests", "duration", "timeout", "required")
				.containsExactly(List.of(), 40, Duration.ZERO, Duration.ofSeconds(10), false);
		});
		this.runner
			.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.warm-up.paths=/items,/items?page=2",
					"zerodowntime.warm-up.requests=100", "zerodowntime.warm-up.duration=5s",
					"zerodowntime.warm-up.timeout=20s", "zerodowntime.warm-up.required=true")
			.run((context) -> assertThat(context.getBean(GenerationStartup.class)).extracting("warmUp")
				.extracting("paths", "requests", "duration", "timeout", "required")
				.containsExactly(List.of("/items", "/items?page=2"), 100, Duration.ofSeconds(5), Duration.ofSeconds(20),
						true));
		this.runner.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.warm-up.enabled=false")
			.run((context) -> assertThat(context.getBean(GenerationStartup.class)).extracting("warmUp").isNull());
	}

	@Test
	void recentRequestsAreKeptForTheNextWarmUpOnlyWhenReplayIsOn() {
		this.runner.withPropertyValues("zerodowntime.enabled=true").run((context) -> {
			assertThat(context).doesNotHaveBean(RecentRequests.class);
			assertThat(context).doesNotHaveBean(RecentRequestsFilter.class);
		});
		this.runner
			.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.warm-up.replay.enabled=true",
					"zerodowntime.warm-up.replay.requests=7", "zerodowntime.warm-up.replay.exclude=/admin/**")
			.run((context) -> {
				RecentRequests recent = context.getBean(RecentRequests.class);
				assertThat(recent).extracting("ring").asString()
					.isEqualTo("[null, null, null, null, null, null, null]");
				assertThat(context.getBean(FilterRegistrationBean.class).getFilter())
					.isInstanceOf(RecentRequestsFilter.class)
					.extracting("excluded")
					.isEqualTo(List.of("/admin/**"));
				assertThat(context.getBean(ReloadCoordinator.class)).extracting("warmUpRequests").isNotNull();
			});
	}

	@Test
	void noReplayedRequestsFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.warm-up.replay.requests", "zerodowntime.warm-up.replay.requests=0");
	}

	@Test
	void warmUpTimeoutNotShorterThanTheStartupTimeoutFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.warm-up.timeout", "zerodowntime.startup-timeout=30s",
				"zerodowntime.warm-up.timeout=30s");
	}

	@Test
	void warmUpDurationNotShorterThanItsTimeoutFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.warm-up.duration", "zerodowntime.warm-up.duration=10s");
		assertStartupFailsNaming("zerodowntime.warm-up.duration", "zerodowntime.warm-up.duration=-1s");
	}

	@Test
	void negativeWarmUpTimeoutFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.warm-up.timeout", "zerodowntime.warm-up.timeout=-1s");
	}

	@Test
	void warmUpPathThatIsNotAPathFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.warm-up.paths", "zerodowntime.warm-up.paths=https://example.com/");
		assertStartupFailsNaming("zerodowntime.warm-up.paths", "zerodowntime.warm-up.paths=/a path");
	}

	@Test
	void noWarmUpRequestsFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.warm-up.requests", "zerodowntime.warm-up.requests=0");
	}

	@Test
	void unknownHandoffModeFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.handoff", "zerodowntime.handoff=teleport");
	}

	@Test
	void negativeStartupTimeoutFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.startup-timeout", "zerodowntime.startup-timeout=-5s");
	}

	@Test
	void zeroDrainTimeoutFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.drain-timeout", "zerodowntime.drain-timeout=0s");
	}

	@Test
	void malformedDurationFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.startup-timeout", "zerodowntime.startup-timeout=soon");
	}

	@Test
	void unknownSignalFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.signal", "zerodowntime.signal=USR9");
	}

	@Test
	void shutdownSignalIsRefusedNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.signal", "zerodowntime.signal=TERM");
	}

	@Test
	void pidFileInMissingDirectoryFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.pid-file",
				"zerodowntime.pid-file=" + this.temp.resolve("missing/app.pid"));
	}

	@Test
	void backgroundWorkRunsInTheServingGenerationOnlyThroughTheContextsLifecycleProcessor() {
		this.runner.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
			.withPropertyValues("zerodowntime.enabled=true", "spring.lifecycle.timeout-per-shutdown-phase=7s")
			.run((context) -> {
				assertThat(context).hasSingleBean(BackgroundWorkGate.class).hasSingleBean(GatedScheduling.class);
				Object processor = context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME);
				assertThat(processor.getClass().getSimpleName()).isEqualTo("GatingLifecycleProcessor");
				assertThat(processor).extracting("timeoutPerShutdownPhase").isEqualTo(7000L);
			});
	}

	@Test
	void backgroundWorkCanBeLeftAlone() {
		this.runner.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
			.withPropertyValues("zerodowntime.enabled=true", "zerodowntime.background-work.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(BackgroundWorkGate.class).doesNotHaveBean(GatedScheduling.class);
				assertThat(context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME))
					.isExactlyInstanceOf(DefaultLifecycleProcessor.class);
			});
	}

	@Test
	void anApplicationsOwnLifecycleProcessorIsKept() {
		this.runner.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
			.withPropertyValues("zerodowntime.enabled=true")
			.withBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME, DefaultLifecycleProcessor.class,
					DefaultLifecycleProcessor::new)
			.run((context) -> assertThat(context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME))
				.isExactlyInstanceOf(DefaultLifecycleProcessor.class));
	}

	@Test
	void unknownBackgroundBeanTypeFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.background-work.bean-types",
				"zerodowntime.background-work.bean-types=com.example.NoSuchListener");
	}

	@Test
	void nonPositiveBackgroundStopTimeoutFailsNamingTheProperty() {
		assertStartupFailsNaming("zerodowntime.background-work.stop-timeout",
				"zerodowntime.background-work.stop-timeout=0s");
	}

	private void assertStartupFailsNaming(String property, String... values) {
		this.runner.withPropertyValues("zerodowntime.enabled=true").withPropertyValues(values).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
				if (cause instanceof InvalidConfigurationPropertyValueException invalid) {
					assertThat(invalid.getName()).isEqualTo(property);
				}
			}
			assertThat(messages).contains(property);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		ReloadEndpoint userEndpoint(Reloader reloader) {
			return new ReloadEndpoint(reloader);
		}

		@Bean
		HealthProbe userProbe() {
			return () -> new HealthProbe.Result("UP", "user");
		}

	}

}
