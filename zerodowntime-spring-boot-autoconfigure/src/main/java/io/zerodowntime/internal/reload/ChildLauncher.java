package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.util.Map;

import io.zerodowntime.internal.signal.JvmSuspendSignal;

/**
 * Starts the next generation: the captured command, in the same working directory and
 * environment plus the entries that connect it to its parent, with the JVM's
 * suspend/resume signal moved off {@code SIGUSR2} (see {@link JvmSuspendSignal}). stdin,
 * stdout and stderr are inherited; {@link ProcessBuilder} passes no other descriptor, so
 * no client connection, jar or log file of this process leaks into the child.
 *
 * @author zerodowntime
 */
public class ChildLauncher {

	/**
	 * Start the command.
	 * @param command the command
	 * @param environment entries to add to this process's environment
	 * @return the started process
	 * @throws IOException if the process cannot be started
	 */
	public Process launch(ReexecCommand command, Map<String, String> environment) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command.getCommand())
			.directory(command.getWorkingDirectory().toFile())
			.inheritIO();
		builder.environment().putAll(environment);
		JvmSuspendSignal.moveIn(builder.environment());
		return builder.start();
	}

}
