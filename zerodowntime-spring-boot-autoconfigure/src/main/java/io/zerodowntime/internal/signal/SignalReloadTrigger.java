package io.zerodowntime.internal.signal;

import io.zerodowntime.reload.ReloadConflictException;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.reload.ReloadTicket;
import io.zerodowntime.reload.Reloader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Triggers a reload when the process receives a signal ({@code kill -USR2 <pid>}). The
 * JDK delivers the signal on a Java thread of its own, so the handler may do ordinary
 * work; a trigger that cannot start is logged and changes nothing.
 *
 * @author zerodowntime
 */
public class SignalReloadTrigger implements InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(SignalReloadTrigger.class);

	private final Reloader reloader;

	private final String signalName;

	/**
	 * Create a new instance.
	 * @param reloader the reloader to trigger
	 * @param signalName the signal's name without {@code SIG}, e.g. {@code USR2}
	 */
	public SignalReloadTrigger(Reloader reloader, String signalName) {
		this.reloader = reloader;
		this.signalName = signalName;
	}

	@Override
	public void afterPropertiesSet() {
		ReloadSignal.install(this.signalName);
		ReloadSignal.onSignal(this::handle);
		logger.debug("Reloads are triggered by SIG" + this.signalName);
		if (JvmSuspendSignal.isShared(this.signalName, System.getenv())) {
			logger.warn("SIG" + this.signalName + " is also this JVM's thread suspend/resume signal: a Java Flight "
					+ "Recorder recording (or another profiler that suspends threads) would trigger a reload with "
					+ "every sample. Start the service with the environment variable " + JvmSuspendSignal.VARIABLE
					+ "=" + JvmSuspendSignal.MOVED_TO + " (the generations the starter starts get it), or set "
					+ "zerodowntime.signal=USR1");
		}
	}

	private void handle(Signal signal) {
		String trigger = "signal SIG" + signal.getName();
		try {
			ReloadTicket ticket = this.reloader.trigger(trigger);
			logger.info("SIG" + signal.getName() + " started reload " + ticket.id() + " (child pid "
					+ ticket.childPid() + ")");
		}
		catch (ReloadConflictException ex) {
			logger.warn("SIG" + signal.getName() + " ignored: " + ex.getMessage());
		}
		catch (ReloadRefusedException ex) {
			logger.warn("SIG" + signal.getName() + " refused: " + ex.getMessage() + "; the service keeps running");
		}
	}

	/**
	 * Stop triggering reloads. The handler itself stays installed (see
	 * {@link ReloadSignal}).
	 */
	@Override
	public void destroy() {
		ReloadSignal.onSignal((signal) -> logger.warn("SIG" + signal.getName() + " ignored: shutting down"));
	}

}
