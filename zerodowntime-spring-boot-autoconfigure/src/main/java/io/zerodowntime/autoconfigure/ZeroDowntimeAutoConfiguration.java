package io.zerodowntime.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.zerodowntime.actuate.ActuatorHealthProbe;
import io.zerodowntime.internal.handoff.ConnectionDrainHandover;
import io.zerodowntime.internal.handoff.GenerationStartup;
import io.zerodowntime.internal.handoff.ReadinessStateHealthProbe;
import io.zerodowntime.internal.handoff.WebServers;
import io.zerodowntime.internal.overlap.BackgroundWorkGate;
import io.zerodowntime.internal.overlap.GatedScheduling;
import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.internal.reload.ChildLauncher;
import io.zerodowntime.internal.reload.GenerationEnvironment;
import io.zerodowntime.internal.reload.MemoryHeadroomCheck;
import io.zerodowntime.internal.reload.PidFile;
import io.zerodowntime.internal.reload.ReloadCoordinator;
import io.zerodowntime.internal.signal.SignalReloadTrigger;
import io.zerodowntime.internal.systemd.NotifySocket;
import io.zerodowntime.internal.systemd.SystemdNotifier;
import io.zerodowntime.internal.tomcat.HandoffConnectors;
import io.zerodowntime.internal.tomcat.HandoffTomcatCustomizer;
import io.zerodowntime.internal.warmup.RecentRequests;
import io.zerodowntime.internal.warmup.RecentRequestsFilter;
import io.zerodowntime.internal.warmup.WarmUp;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.HealthProbe;
import io.zerodowntime.reload.PreflightCheck;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.Reloader;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for zero-downtime reloads of a servlet application on Tomcat. Off
 * unless {@code zerodowntime.enabled=true}.
 *
 * @author zerodowntime
 */
// before Spring Boot's lifecycle processor, which backs off for the one that gates background work;
// after the web server's, so that the server the application really runs decides (a Jetty factory
// bean with Tomcat on the class path turns reloads off)
@AutoConfiguration(afterName = {
		"org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration",
		"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration" },
		before = LifecycleAutoConfiguration.class)
@ConditionalOnBooleanProperty("zerodowntime.enabled")
@ConditionalOnWebApplication(type = Type.SERVLET)
// by name: read by reflection (an explicit import, a test), missing classes would drop the annotation
@ConditionalOnClass(name = { ReloadPlatform.TOMCAT_CLASS, ReloadPlatform.TOMCAT_FACTORY_CLASS,
		ReloadPlatform.SPRING_BOOT_4_CLASS })
@ConditionalOnBean(TomcatServletWebServerFactory.class)
@Conditional(OnLinuxCondition.class)
@EnableConfigurationProperties(ZeroDowntimeProperties.class)
public final class ZeroDowntimeAutoConfiguration {

	private static final String JNR_POSIX = "jnr.posix.POSIXFactory";

	@Bean
	Generation zeroDowntimeGeneration() {
		return Generation.current();
	}

	@Bean
	HandoffConnectors handoffConnectors(Generation generation, ZeroDowntimeProperties properties) {
		HandoffConnectors connectors = new HandoffConnectors(properties.getHandoff(), generation.isChild(),
				properties.getWebsocketDrain(), properties.getStreamingDrain());
		connectors.setHandshakeConcurrency(properties.resolveTlsHandshakeConcurrency());
		return connectors;
	}

	@Bean
	HandoffTomcatCustomizer zeroDowntimeTomcatCustomizer(HandoffConnectors connectors) {
		return new HandoffTomcatCustomizer(connectors, true);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionDrainHandover.ProcessExit zeroDowntimeProcessExit() {
		return System::exit;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty("zerodowntime.pid-file")
	PidFile zeroDowntimePidFile(ZeroDowntimeProperties properties) {
		return new PidFile(Objects.requireNonNull(properties.getPidFile(), "zerodowntime.pid-file"));
	}

	@Bean
	WebServers zeroDowntimeWebServers() {
		return new WebServers();
	}

	@Bean
	ConnectionDrainHandover connectionDrainHandover(HandoffConnectors connectors, ZeroDowntimeProperties properties,
			ConfigurableApplicationContext context, WebServers webServers, ObjectProvider<PidFile> pidFile,
			ConnectionDrainHandover.ProcessExit exit) {
		return new ConnectionDrainHandover(connectors, properties.getDrainTimeout(), context, webServers,
				pidFile.getIfAvailable(), exit);
	}

	@Bean
	ChildLauncher zeroDowntimeChildLauncher(ZeroDowntimeProperties properties, HandoffConnectors connectors) {
		if (properties.getHandoff() == HandoffMode.INHERIT
				&& !ClassUtils.isPresent(JNR_POSIX, getClass().getClassLoader())) {
			throw new InvalidConfigurationPropertyValueException("zerodowntime.handoff", "inherit",
					"passing the listener needs jnr-posix (com.github.jnr:jnr-posix) on the class path; "
							+ "zerodowntime-spring-boot-starter brings it. Or set zerodowntime.handoff=reuseport");
		}
		return connectors.childLauncher();
	}

	@Bean(destroyMethod = "shutdown")
	ReloadCoordinator reloader(Generation generation, ZeroDowntimeProperties properties, ChildLauncher launcher,
			ConnectionDrainHandover handover, HandoffConnectors connectors, ObjectProvider<PidFile> pidFile,
			ObjectProvider<PreflightCheck> preflightChecks, ObjectProvider<BackgroundWorkGate> backgroundWork,
			ObjectProvider<RecentRequests> recentRequests) {
		List<PreflightCheck> checks = new ArrayList<>();
		checks.add(connectors::checkEveryConnectorIsHandedOver);
		checks.add(connectors::checkReusePortListenersHaveFixedPorts);
		checks.add(new MemoryHeadroomCheck(properties.getMemoryCheck()));
		// the next generation writes the PID file when it takes over: a reload that could
		// not record its pid is refused up front
		pidFile.ifAvailable((file) -> checks.add(file::checkWritable));
		preflightChecks.orderedStream().forEach(checks::add);
		ReloadCoordinator coordinator = new ReloadCoordinator(generation, properties.getHandoff(),
				properties.getStartupTimeout(), launcher, handover, checks, backgroundWork(backgroundWork),
				properties.getBackgroundWork().getStopTimeout());
		recentRequests.ifAvailable((recent) -> coordinator.setWarmUpRequests(recent::snapshot));
		return coordinator;
	}

	private static io.zerodowntime.internal.reload.BackgroundWork backgroundWork(
			ObjectProvider<BackgroundWorkGate> gate) {
		BackgroundWorkGate available = gate.getIfAvailable();
		return (available != null) ? available : io.zerodowntime.internal.reload.BackgroundWork.NONE;
	}

	@Bean
	GenerationStartup zeroDowntimeGenerationStartup(ReloadCoordinator reloader, HandoffConnectors connectors,
			ObjectProvider<HealthProbe> healthProbe, ApplicationAvailability availability,
			ObjectProvider<PidFile> pidFile, ConnectionDrainHandover.ProcessExit exit,
			ObjectProvider<BackgroundWorkGate> backgroundWork, ZeroDowntimeProperties properties,
			ConfigurableApplicationContext context) {
		HealthProbe probe = healthProbe.getIfAvailable(() -> new ReadinessStateHealthProbe(availability));
		ZeroDowntimeProperties.WarmUp warmUp = properties.getWarmUp();
		WarmUp warmUpBeforeReady = warmUp.isEnabled()
				? new WarmUp(context, warmUp.getPaths(), () -> GenerationEnvironment.replayedRequests(System.getenv()),
						warmUp.getRequests(), warmUp.getDuration(), warmUp.getTimeout(), warmUp.isRequired())
				: null;
		return new GenerationStartup(reloader, connectors, probe, pidFile.getIfAvailable(), exit,
				backgroundWork(backgroundWork), properties.getBackgroundWork().getStopTimeout(), warmUpBeforeReady);
	}

	@Bean
	ReloadListenerRegistrar zeroDowntimeReloadListenerRegistrar(ReloadCoordinator reloader,
			ObjectProvider<ReloadListener> listeners) {
		return new ReloadListenerRegistrar(reloader, listeners);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnSignalHandlingCondition.class)
	SignalReloadTrigger signalReloadTrigger(Reloader reloader, ZeroDowntimeProperties properties) {
		return new SignalReloadTrigger(reloader,
				Objects.requireNonNull(properties.getSignalName(), "zerodowntime.signal"));
	}

	/**
	 * Background work runs in the serving generation only: {@code @Scheduled} tasks through
	 * a gated scheduler, lifecycle beans through a lifecycle processor that leaves them to
	 * the gate (unless the application defines its own lifecycle processor).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "zerodowntime.background-work.enabled", matchIfMissing = true)
	@EnableConfigurationProperties(LifecycleProperties.class)
	static class BackgroundWorkConfiguration {

		@Bean
		BackgroundWorkGate zeroDowntimeBackgroundWork(Generation generation) {
			return new BackgroundWorkGate(!generation.isChild());
		}

		@Bean
		GatedScheduling zeroDowntimeGatedScheduling(BackgroundWorkGate gate, ObjectProvider<TaskScheduler> schedulers,
				BeanFactory beanFactory) {
			return new GatedScheduling(gate, schedulers, beanFactory);
		}

		@Bean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
		@ConditionalOnMissingBean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME,
				search = SearchStrategy.CURRENT)
		DefaultLifecycleProcessor lifecycleProcessor(BackgroundWorkGate gate, ZeroDowntimeProperties properties,
				LifecycleProperties lifecycle) {
			ZeroDowntimeProperties.BackgroundWork backgroundWork = properties.getBackgroundWork();
			DefaultLifecycleProcessor processor = gate.lifecycleProcessor(backgroundWork.getBeanNames(),
					backgroundWork.getResolvedBeanTypes(), ClassUtils.getDefaultClassLoader());
			// as Spring Boot's own lifecycle processor
			processor.setTimeoutPerShutdownPhase(lifecycle.getTimeoutPerShutdownPhase().toMillis());
			return processor;
		}

	}

	/**
	 * The requests this generation serves, kept for the next one's warm-up to replay.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("zerodowntime.warm-up.replay.enabled")
	static class WarmUpReplayConfiguration {

		@Bean
		RecentRequests zeroDowntimeRecentRequests(ZeroDowntimeProperties properties) {
			return new RecentRequests(properties.getWarmUp().getReplay().getRequests());
		}

		@Bean
		FilterRegistrationBean<RecentRequestsFilter> zeroDowntimeRecentRequestsFilter(RecentRequests recent,
				ZeroDowntimeProperties properties) {
			FilterRegistrationBean<RecentRequestsFilter> registration = new FilterRegistrationBean<>(
					new RecentRequestsFilter(recent, properties.getWarmUp().getReplay().getExclude()));
			// outermost, so that it sees the status a client gets (a security filter's 401
			// included)
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthEndpoint.class)
	static class ActuatorHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(HealthEndpoint.class)
		HealthProbe actuatorHealthProbe(HealthEndpoint healthEndpoint) {
			return new ActuatorHealthProbe(healthEndpoint);
		}

	}

	/**
	 * Under systemd ({@code Type=notify}), which passes {@code NOTIFY_SOCKET} in the
	 * environment.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jnr.ffi.LibraryLoader")
	@ConditionalOnProperty("NOTIFY_SOCKET")
	static class SystemdConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SystemdNotifier systemdNotifier(Environment environment) {
			String address = environment.getRequiredProperty("NOTIFY_SOCKET");
			return new SystemdNotifier(NotifySocket.of(address));
		}

	}

}
