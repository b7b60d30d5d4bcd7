package io.zerodowntime.internal.signal;

import java.util.Map;

/**
 * HotSpot's thread suspend/resume signal on Linux, {@code SIGUSR2} unless the environment
 * variable {@value #VARIABLE} moves it before the JVM starts. Java Flight Recorder's method
 * sampling suspends threads with it: while the reload signal is the same signal, every
 * sample reaches the reload handler as a trigger and the sample is lost. Every JVM the
 * starter spawns (the next generation, generation 0 under the supervisor) therefore gets
 * the variable, and a generation 0 started without it is told how to fix its start.
 *
 * @author zerodowntime
 */
public final class JvmSuspendSignal {

	/**
	 * The variable HotSpot reads at startup; a value outside (SIGSEGV, NSIG) is ignored.
	 */
	public static final String VARIABLE = "_JAVA_SR_SIGNUM";

	/**
	 * Where the starter moves the signal: a real-time signal ({@code SIGRTMIN+6} with
	 * glibc) that neither the JVM nor the starter uses otherwise.
	 */
	public static final String MOVED_TO = "40";

	private static final int SIGUSR2 = 12;

	private static final int SIGSEGV = 11;

	private static final int NSIG = 65;

	private JvmSuspendSignal() {
	}

	/**
	 * Move the signal in the environment of a JVM this process is about to start, unless
	 * that environment already chooses one.
	 * @param environment the environment of the process to start, changed in place
	 */
	public static void moveIn(Map<String, String> environment) {
		environment.putIfAbsent(VARIABLE, MOVED_TO);
	}

	/**
	 * Whether the reload signal is the suspend/resume signal of a JVM started with this
	 * environment.
	 * @param reloadSignal the reload signal's name without {@code SIG}
	 * @param environment the JVM's environment
	 * @return whether they are the same signal
	 */
	public static boolean isShared(String reloadSignal, Map<String, String> environment) {
		return "USR2".equals(reloadSignal) && numberIn(environment) == SIGUSR2;
	}

	private static int numberIn(Map<String, String> environment) {
		String value = environment.get(VARIABLE);
		if (value == null) {
			return SIGUSR2;
		}
		try {
			int number = Integer.parseInt(value.trim());
			return (number > SIGSEGV && number < NSIG) ? number : SIGUSR2;
		}
		catch (NumberFormatException ex) {
			return SIGUSR2;
		}
	}

}
