package io.zerodowntime.signal;

import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;

/**
 * The process-wide handler of the reload signal. It is installed once and never removed:
 * on HotSpot, {@code SIGUSR2} is also the JVM's internal suspend/resume signal, and a
 * {@code SIGUSR2} that reaches the JVM's own handler on a thread the JVM does not manage
 * crashes the process. So the handler stays for the life of the process and only its
 * target changes: ignore (and log) until the application can reload, trigger a reload
 * while it serves, ignore again while it shuts down.
 *
 * @author zerodowntime
 */
public final class ReloadSignal {

	private static final Log logger = LogFactory.getLog(ReloadSignal.class);

	private static final Object monitor = new Object();

	private static @Nullable String installed;

	private static volatile Consumer<Signal> target = (signal) -> logger
		.warn("SIG" + signal.getName() + " ignored: the application has not finished starting");

	private ReloadSignal() {
	}

	/**
	 * Install the handler for the signal, if no handler of ours is installed yet.
	 * @param name the signal's name without {@code SIG}
	 * @throws IllegalStateException if a handler for another signal is already installed
	 */
	public static void install(String name) {
		synchronized (monitor) {
			if (name.equals(installed)) {
				return;
			}
			if (installed != null) {
				throw new IllegalStateException("SIG" + installed + " already triggers reloads in this process");
			}
			Signal.handle(new Signal(name), (signal) -> target.accept(signal));
			installed = name;
		}
	}

	/**
	 * Set what the signal does from now on.
	 * @param action the action
	 */
	static void onSignal(Consumer<Signal> action) {
		target = action;
	}

	/**
	 * Return the name of the installed signal.
	 * @return the signal name, or {@code null} if none is installed
	 */
	public static @Nullable String installedSignal() {
		synchronized (monitor) {
			return installed;
		}
	}

}
