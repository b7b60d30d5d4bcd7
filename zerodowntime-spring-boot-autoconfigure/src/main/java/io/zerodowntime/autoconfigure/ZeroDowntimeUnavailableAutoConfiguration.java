package io.zerodowntime.autoconfigure;

import io.zerodowntime.reload.Reloader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.WebApplicationContext;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that says why reloads are off when {@code zerodowntime.enabled=true}
 * but {@link ZeroDowntimeAutoConfiguration} did not apply (not Linux, not a servlet web
 * application, not Tomcat), instead of leaving the user to find out at the first reload.
 *
 * @author zerodowntime
 */
@AutoConfiguration(after = ZeroDowntimeAutoConfiguration.class)
@ConditionalOnBooleanProperty("zerodowntime.enabled")
@ConditionalOnMissingBean(Reloader.class)
public final class ZeroDowntimeUnavailableAutoConfiguration {

	@Bean
	ReloadsUnavailableWarning zeroDowntimeUnavailableWarning(ApplicationContext context) {
		return new ReloadsUnavailableWarning(reason(context));
	}

	static String reason(ApplicationContext context) {
		String os = context.getEnvironment().getProperty("os.name", "");
		if (!OnLinuxCondition.isLinux(os)) {
			return "zero-downtime reloads run only on Linux, this is " + os;
		}
		if (!(context instanceof WebApplicationContext)) {
			return "the application is not a servlet web application";
		}
		ClassLoader classLoader = context.getClassLoader();
		if (!ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader)
				|| !ClassUtils.isPresent("org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory",
						classLoader)) {
			return "the embedded web server is not Tomcat (spring-boot-tomcat is not on the class path); "
					+ "Jetty and other servers are not supported";
		}
		return "the zero-downtime auto-configuration did not apply (see the condition evaluation report, --debug)";
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
		}

	}

}
