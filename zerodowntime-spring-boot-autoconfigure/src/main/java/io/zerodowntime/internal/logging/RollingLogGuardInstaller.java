package io.zerodowntime.internal.logging;

import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.reload.Generation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Puts the {@link RollingLogGuard} on the log files right after Spring Boot has set up
 * logging, before the application logs its startup (a child holds rotation from then on),
 * and registers it in the application context, where it follows the reloads as a
 * {@link io.zerodowntime.reload.ReloadListener}.
 *
 * @author zerodowntime
 */
public class RollingLogGuardInstaller implements GenericApplicationListener {

	private static final String BEAN_NAME = "zeroDowntimeRollingLogGuard";

	private static final String ROLLING_FILE_APPENDER = "ch.qos.logback.core.rolling.RollingFileAppender";

	private @Nullable RollingLogGuard guard;

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.getRawClass();
		return type != null && (ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type)
				|| ApplicationPreparedEvent.class.isAssignableFrom(type));
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared
				&& ReloadPlatform.isEnabled(prepared.getEnvironment(), prepared.getSpringApplication().getClassLoader())
				&& ClassUtils.isPresent(ROLLING_FILE_APPENDER, getClass().getClassLoader())) {
			this.guard = RollingLogGuard.install(Generation.current().isChild());
		}
		else if (event instanceof ApplicationPreparedEvent prepared && this.guard != null
				&& !prepared.getApplicationContext().getBeanFactory().containsSingleton(BEAN_NAME)) {
			prepared.getApplicationContext().getBeanFactory().registerSingleton(BEAN_NAME, this.guard);
		}
	}

	@Override
	public int getOrder() {
		// after Spring Boot's LoggingApplicationListener has configured the logging system
		return Ordered.LOWEST_PRECEDENCE;
	}

}
