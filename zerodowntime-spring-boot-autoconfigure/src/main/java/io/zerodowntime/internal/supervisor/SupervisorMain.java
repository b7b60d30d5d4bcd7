package io.zerodowntime.internal.supervisor;

import java.io.IOException;
import java.util.List;

import io.zerodowntime.internal.signal.JvmSuspendSignal;

/**
 * The supervisor in a JVM of its own (see {@link LeanSupervisor}). Arguments: the reload
 * signal (or {@code -}), why the service is supervised, then the command that starts
 * generation 0.
 *
 * @author zerodowntime
 */
public final class SupervisorMain {

	static final String NO_SIGNAL = "-";

	private SupervisorMain() {
	}

	public static void main(String[] arguments) {
		SupervisorLog logger = SupervisorLog.console(System.out);
		String reloadSignal = NO_SIGNAL.equals(arguments[0]) ? null : arguments[0];
		List<String> command = List.of(arguments).subList(2, arguments.length);
		SupervisorLibC libc = SupervisorLibC.load();
		int status;
		try {
			// kept across execv; set again in case this class was started some other way
			Supervisor.becomeSubreaper(libc);
			logger.info("Supervising this service (" + arguments[1] + ")");
			status = new Supervisor(libc, logger, (environment) -> {
				ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
				builder.environment().putAll(environment);
				JvmSuspendSignal.moveIn(builder.environment());
				return builder.start();
			}, SupervisorStarter.systemd(), SupervisorStarter.stopSignals(reloadSignal), reloadSignal).run();
		}
		catch (IOException | RuntimeException ex) {
			logger.error("The supervisor cannot start generation 0", ex);
			status = 1;
		}
		System.exit(status);
	}

}
