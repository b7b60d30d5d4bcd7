package io.zerodowntime.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.zerodowntime.actuate.ReloadInfoContributor;
import io.zerodowntime.actuate.ReloadMetrics;
import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.reload.Reloader;

import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for reload metrics (Micrometer) and the {@code info} contribution.
 *
 * @author zerodowntime
 */
@AutoConfiguration(after = ZeroDowntimeAutoConfiguration.class)
@ConditionalOnClass(name = ReloadPlatform.SPRING_BOOT_4_CLASS)
@ConditionalOnBean(Reloader.class)
public final class ReloadObservabilityAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReloadMetrics reloadMetrics(Reloader reloader) {
			return new ReloadMetrics(reloader);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(InfoContributor.class)
	@ConditionalOnEnabledInfoContributor("zerodowntime")
	static class InfoConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReloadInfoContributor reloadInfoContributor(Reloader reloader) {
			return new ReloadInfoContributor(reloader);
		}

	}

}
