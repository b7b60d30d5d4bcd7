package io.zerodowntime.internal.signal;

import io.zerodowntime.internal.platform.ReloadPlatform;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Installs the {@link ReloadSignal} handler as soon as the environment says reloads are
 * enabled, long before the application context exists, so that a reload signal sent to a
 * generation that is still starting is ignored instead of reaching the JVM's own handler.
 * An invalid signal name is left to property validation, which reports it.
 *
 * @author zerodowntime
 */
public class EarlySignalInstaller implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		Environment environment = event.getEnvironment();
		if (!ReloadPlatform.isEnabled(environment, event.getSpringApplication().getClassLoader())) {
			return;
		}
		String name = ReloadSignal.nameOf(environment.getProperty("zerodowntime.signal", "USR2"));
		if (name == null) {
			return;
		}
		try {
			ReloadSignal.install(name);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// reported by the validation of zerodowntime.signal
		}
	}

}
