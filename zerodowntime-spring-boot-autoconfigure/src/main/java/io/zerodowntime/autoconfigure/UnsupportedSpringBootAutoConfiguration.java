package io.zerodowntime.autoconfigure;

import io.zerodowntime.internal.platform.ReloadPlatform;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that says, once, that the starter needs Spring Boot 4.0 or later when
 * the application runs an older line. Every other auto-configuration of the starter backs
 * off there, so the application starts as it would without the starter. Only uses what
 * Spring Boot 3 has too.
 *
 * @author zerodowntime
 */
@AutoConfiguration
@ConditionalOnMissingClass(ReloadPlatform.SPRING_BOOT_4_CLASS)
public final class UnsupportedSpringBootAutoConfiguration {

	@Bean
	UnsupportedSpringBootWarning zeroDowntimeUnsupportedSpringBootWarning() {
		String version = SpringBootVersion.getVersion();
		return new UnsupportedSpringBootWarning((version != null) ? version : "older than 4.0");
	}

	/**
	 * Logs the line once, at startup.
	 */
	static final class UnsupportedSpringBootWarning implements InitializingBean {

		private static final Log logger = LogFactory.getLog(UnsupportedSpringBootWarning.class);

		private final String message;

		UnsupportedSpringBootWarning(String springBootVersion) {
			this.message = "zerodowntime-spring-boot-starter needs Spring Boot 4.0 or later, this application runs "
					+ "Spring Boot " + springBootVersion + ": zero-downtime reloads are off";
		}

		String getMessage() {
			return this.message;
		}

		@Override
		public void afterPropertiesSet() {
			logger.warn(this.message);
		}

	}

}
