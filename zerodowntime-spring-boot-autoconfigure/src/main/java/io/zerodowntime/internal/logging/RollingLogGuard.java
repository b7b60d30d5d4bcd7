package io.zerodowntime.internal.logging;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TriggeringPolicy;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ReloadReport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Keeps two generations from rotating one log file. Both append to the same file during a
 * reload (appends of whole lines do not mix); a rotation by one of them would leave the
 * other writing into the renamed (and soon compressed) file, whose later lines are lost. So
 * the rotation of every Logback rolling file appender is held: in a parent from the moment
 * it starts a child until the reload fails (a successful parent exits still holding), and
 * in a child from its start until its parent has exited.
 *
 * @author zerodowntime
 */
public final class RollingLogGuard implements ReloadListener {

	private static final Log logger = LogFactory.getLog(RollingLogGuard.class);

	private final List<HeldTriggeringPolicy<ILoggingEvent>> policies;

	private RollingLogGuard(List<HeldTriggeringPolicy<ILoggingEvent>> policies) {
		this.policies = List.copyOf(policies);
	}

	/**
	 * Put a guard on the rolling file appenders of the Logback logging system in use.
	 * @param held whether rotation is held from now on (a child)
	 * @return the guard, or {@code null} if Logback is not in use or has no rolling file
	 */
	static @Nullable RollingLogGuard install(boolean held) {
		ILoggerFactory factory = LoggerFactory.getILoggerFactory();
		if (!(factory instanceof LoggerContext context)) {
			return null;
		}
		List<RollingFileAppender<ILoggingEvent>> appenders = new ArrayList<>();
		for (Logger logbackLogger : context.getLoggerList()) {
			for (Iterator<Appender<ILoggingEvent>> attached = logbackLogger.iteratorForAppenders(); attached.hasNext();) {
				if (attached.next() instanceof RollingFileAppender<ILoggingEvent> rolling && !appenders.contains(rolling)) {
					appenders.add(rolling);
				}
			}
		}
		if (appenders.isEmpty()) {
			return null;
		}
		logger.debug("Rotation of " + appenders.size() + " rolling log file(s) is held while two generations write them");
		return of(appenders, held);
	}

	/**
	 * Guard these appenders.
	 * @param appenders the appenders
	 * @param held whether rotation is held from now on
	 * @return the guard
	 */
	static RollingLogGuard of(List<RollingFileAppender<ILoggingEvent>> appenders, boolean held) {
		List<HeldTriggeringPolicy<ILoggingEvent>> policies = new ArrayList<>();
		for (RollingFileAppender<ILoggingEvent> appender : appenders) {
			TriggeringPolicy<ILoggingEvent> policy = appender.getTriggeringPolicy();
			if (policy instanceof HeldTriggeringPolicy<ILoggingEvent> guarded) {
				policies.add(guarded);
			}
			else if (policy != null) {
				HeldTriggeringPolicy<ILoggingEvent> guarded = new HeldTriggeringPolicy<>(policy, held);
				// the appender keeps its rolling policy; only the decision to rotate goes through the guard
				appender.setTriggeringPolicy(guarded);
				policies.add(guarded);
			}
		}
		return new RollingLogGuard(policies);
	}

	void hold() {
		this.policies.forEach(HeldTriggeringPolicy::hold);
	}

	void release() {
		this.policies.forEach(HeldTriggeringPolicy::release);
	}

	boolean isHeld() {
		return this.policies.stream().anyMatch(HeldTriggeringPolicy::isHeld);
	}

	@Override
	public void started(ReloadReport report) {
		hold();
	}

	@Override
	public void failed(ReloadReport report) {
		// the child is gone: this generation writes the file alone again
		release();
	}

	@Override
	public void serving(Generation generation) {
		Long parentPid = generation.parentPid();
		if (!generation.isChild() || parentPid == null) {
			return;
		}
		ProcessHandle.of(parentPid)
			.map(ProcessHandle::onExit)
			.ifPresentOrElse((exit) -> exit.thenRun(this::release), this::release);
	}

}
