package io.zerodowntime.autoconfigure;

import io.zerodowntime.actuate.ReloadEndpoint;
import io.zerodowntime.actuate.ReloadWebEndpointExtension;
import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.reload.Reloader;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link ReloadEndpoint}.
 *
 * @author zerodowntime
 */
@AutoConfiguration(after = ZeroDowntimeAutoConfiguration.class)
@ConditionalOnClass(value = Endpoint.class, name = ReloadPlatform.SPRING_BOOT_4_CLASS)
@ConditionalOnBean(Reloader.class)
@ConditionalOnAvailableEndpoint(ReloadEndpoint.class)
public final class ReloadEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReloadEndpoint reloadEndpoint(Reloader reloader) {
		return new ReloadEndpoint(reloader);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ReloadEndpoint.class)
	ReloadWebEndpointExtension reloadWebEndpointExtension(ReloadEndpoint reloadEndpoint) {
		return new ReloadWebEndpointExtension(reloadEndpoint);
	}

}
