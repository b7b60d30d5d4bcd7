package io.zerodowntime.internal.signal;

import java.util.Locale;
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

	/**
	 * The {@code zerodowntime.signal} value (in any case) that turns signal handling off.
	 */
	public static final String NO_SIGNAL = "NONE";

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
	 * From now on, log that the signal is ignored and why: the starter turned out to be off
	 * after the early handler was installed (which keeps the signal from ending the JVM).
	 * @param reason why reloads are off
	 */
	public static void ignoreBecause(String reason) {
		onSignal((signal) -> logger
			.warn("SIG" + signal.getName() + " ignored: zero-downtime reloads are off: " + reason));
	}

	/**
	 * Set what the signal does from now on.
	 * @param action the action
	 */
	static void onSignal(Consumer<Signal> action) {
		target = action;
	}

	/**
	 * Return the signal name a {@code zerodowntime.signal} value designates, without
	 * {@code SIG}, upper case.
	 * @param configured the configured value ({@code USR2}, {@code sigusr2}, {@code none}...)
	 * @return the signal name, or {@code null} when the value turns signal handling off
	 */
	public static @Nullable String nameOf(String configured) {
		String name = configured.trim().toUpperCase(Locale.ROOT);
		if (name.isEmpty() || name.equals(NO_SIGNAL)) {
			return null;
		}
		return name.startsWith("SIG") ? name.substring(3) : name;
	}

}
