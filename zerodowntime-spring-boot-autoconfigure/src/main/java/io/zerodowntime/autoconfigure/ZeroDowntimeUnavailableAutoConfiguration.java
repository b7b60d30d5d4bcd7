package io.zerodowntime.autoconfigure;

import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.internal.signal.ReloadSignal;
import io.zerodowntime.reload.Reloader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.WebApplicationContext;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that says why reloads are off when {@code zerodowntime.enabled=true}
 * but {@link ZeroDowntimeAutoConfiguration} did not apply (not Linux, not a servlet web
 * application, a web server other than Tomcat), instead of leaving the user to find out at
 * the first reload. A reload signal is then logged as ignored, with the same reason.
 *
 * @author zerodowntime
 */
@AutoConfiguration(after = ZeroDowntimeAutoConfiguration.class)
@ConditionalOnClass(name = ReloadPlatform.SPRING_BOOT_4_CLASS)
@ConditionalOnBooleanProperty("zerodowntime.enabled")
@ConditionalOnMissingBean(Reloader.class)
public final class ZeroDowntimeUnavailableAutoConfiguration {

	private static final String SERVLET_WEB_SERVER_FACTORY =
			"org.springframework.boot.web.server.servlet.ServletWebServerFactory";

	@Bean
	ReloadsUnavailableWarning zeroDowntimeUnavailableWarning(ApplicationContext context) {
		return new ReloadsUnavailableWarning(reason(context));
	}

	static String reason(ApplicationContext context) {
		String os = context.getEnvironment().getProperty("os.name", "");
		if (!ReloadPlatform.isLinux(os)) {
			return "zero-downtime reloads run only on Linux, this is " + os;
		}
		if (!(context instanceof WebApplicationContext)) {
			return "the application is not a servlet web application";
		}
		Class<?> server = webServerFactoryType(context);
		if (server == null) {
			return "the application starts no embedded web server (no ServletWebServerFactory bean)";
		}
		if (!isTomcat(server)) {
			return "the embedded web server is not Tomcat (" + server.getName()
					+ "); Jetty and other servers are not supported";
		}
		return "the zero-downtime auto-configuration did not apply (see the condition evaluation report, --debug)";
	}

	// by name: the application may have no web server support on its class path at all
	private static @Nullable Class<?> webServerFactoryType(ApplicationContext context) {
		ClassLoader classLoader = context.getClassLoader();
		if (!ClassUtils.isPresent(SERVLET_WEB_SERVER_FACTORY, classLoader)) {
			return null;
		}
		Class<?> factoryType = ClassUtils.resolveClassName(SERVLET_WEB_SERVER_FACTORY, classLoader);
		String[] names = context.getBeanNamesForType(factoryType, true, false);
		return (names.length == 1) ? context.getType(names[0]) : null;
	}

	private static boolean isTomcat(Class<?> factoryType) {
		ClassLoader classLoader = factoryType.getClassLoader();
		return ReloadPlatform.isTomcatPresent(classLoader) && ClassUtils
			.resolveClassName(ReloadPlatform.TOMCAT_FACTORY_CLASS, classLoader)
			.isAssignableFrom(factoryType);
	}

	/**
	 * Logs the reason once, at startup.
	 */
	static final class ReloadsUnavailableWarning implements InitializingBean {

		private static final Log logger = LogFactory.getLog(ReloadsUnavailableWarning.class);

		private final String reason;

		ReloadsUnavailableWarning(String reason) {
			this.reason = reason;
		}

		String getReason() {
			return this.reason;
		}

		@Override
		public void afterPropertiesSet() {
			logger.warn("zerodowntime.enabled=true, but zero-downtime reloads are off: " + this.reason);
			ReloadSignal.ignoreBecause(this.reason);
		}

	}

}
