package io.zerodowntime.internal.supervisor;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Where the supervisor logs: the application's logging while it runs in the JVM the
 * application started, standard output (in the layout of Spring Boot's console) once it
 * runs in a JVM of its own, where no logging system is set up.
 *
 * @author zerodowntime
 */
abstract class SupervisorLog {

	abstract void info(String message);

	abstract void warn(String message);

	abstract void error(String message, @Nullable Throwable cause);

	abstract void debug(String message);

	static SupervisorLog of(Class<?> source) {
		Log log = LogFactory.getLog(source);
		return new SupervisorLog() {

			@Override
			void info(String message) {
				log.info(message);
			}

			@Override
			void warn(String message) {
				log.warn(message);
			}

			@Override
			void error(String message, @Nullable Throwable cause) {
				log.error(message, cause);
			}

			@Override
			void debug(String message) {
				log.debug(message);
			}

		};
	}

	static SupervisorLog console(PrintStream out) {
		long pid = ProcessHandle.current().pid();
		return new SupervisorLog() {

			@Override
			void info(String message) {
				print("INFO", message);
			}

			@Override
			void warn(String message) {
				print("WARN", message);
			}

			@Override
			void error(String message, @Nullable Throwable cause) {
				print("ERROR", message + ((cause != null) ? ": " + cause : ""));
			}

			@Override
			void debug(String message) {
				// the console log of the supervisor is for what an operator needs
			}

			private void print(String level, String message) {
				out.printf("%s %5s %d --- [%15.15s] %-40.40s : %s%n", Instant.now().truncatedTo(ChronoUnit.MILLIS),
						level, pid, Thread.currentThread().getName(), "io.zerodowntime.supervisor", message);
			}

		};
	}

}
