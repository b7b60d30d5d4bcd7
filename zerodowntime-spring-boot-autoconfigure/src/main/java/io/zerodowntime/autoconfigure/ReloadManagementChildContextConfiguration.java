package io.zerodowntime.autoconfigure;

import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.internal.tomcat.HandoffConnectors;
import io.zerodowntime.internal.tomcat.HandoffTomcatCustomizer;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;

/**
 * {@link ManagementContextConfiguration @ManagementContextConfiguration} that hands over
 * a separate management server ({@code management.server.port}) like the application's:
 * its web server is made in a child context, where the application context's customizers
 * do not apply.
 *
 * @author zerodowntime
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
// by name: read by reflection (an explicit import, a test), missing classes would drop the annotation
@ConditionalOnClass(name = { ReloadPlatform.TOMCAT_CLASS, ReloadPlatform.TOMCAT_FACTORY_CLASS,
		ReloadPlatform.SPRING_BOOT_4_CLASS })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBean(HandoffConnectors.class)
class ReloadManagementChildContextConfiguration {

	@Bean
	HandoffTomcatCustomizer managementHandoffTomcatCustomizer(HandoffConnectors connectors) {
		return new HandoffTomcatCustomizer(connectors, false);
	}

}
