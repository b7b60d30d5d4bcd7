package io.zerodowntime.internal.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.zerodowntime.internal.reload.ReexecCommand;
import jnr.constants.platform.Fcntl;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.jspecify.annotations.Nullable;

/**
 * Turns this process, with its pid, into a small JVM that runs only the supervisor
 * ({@link SupervisorMain}): {@code execv} of the same {@code java} with a heap of a few
 * megabytes and a serial collector, on the application's own class path (through Spring
 * Boot's {@code PropertiesLauncher} for an executable jar). The application's JVM, with
 * its heap and its loaded classes, is gone; what it had open is closed by the kernel.
 *
 * @author zerodowntime
 */
final class LeanSupervisor {

	private static final List<String> JVM_OPTIONS = List.of("-Xmx16m", "-Xss512k", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m",
			"-XX:MaxMetaspaceSize=64m", "-XX:-UsePerfData");

	private static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private LeanSupervisor() {
	}

	/**
	 * Replace this process. Returns only if it could not be replaced.
	 * @param command the command that starts generation 0
	 * @param reloadSignal the signal that triggers a reload, or {@code null}
	 * @param reason why this service is supervised
	 * @return why this process could not be replaced
	 */
	static String exec(ReexecCommand command, @Nullable String reloadSignal, String reason) {
		List<String> arguments = arguments(command, reloadSignal, reason);
		POSIX posix = POSIXFactory.getNativePOSIX();
		try {
			closeOnExec(posix);
		}
		catch (IOException | RuntimeException ex) {
			return "its descriptors cannot be listed: " + ex.getMessage();
		}
		posix.execv(arguments.get(0), arguments.toArray(String[]::new));
		return "execv " + arguments.get(0) + " failed with errno " + posix.errno();
	}

	static List<String> arguments(ReexecCommand command, @Nullable String reloadSignal, String reason) {
		List<String> arguments = new ArrayList<>();
		arguments.add(command.getCommand().get(0));
		arguments.addAll(JVM_OPTIONS);
		// the control socket lives under the temporary directory, which ReloadCommand reads here
		arguments.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
		Path jar = command.getJar();
		if (jar != null) {
			arguments.addAll(List.of("-cp", jar.toString(), "-Dloader.main=" + SupervisorMain.class.getName(),
					PROPERTIES_LAUNCHER));
		}
		else {
			arguments.addAll(List.of("-cp", System.getProperty("java.class.path"), SupervisorMain.class.getName()));
		}
		arguments.add((reloadSignal != null) ? reloadSignal : SupervisorMain.NO_SIGNAL);
		arguments.add(reason);
		arguments.addAll(command.getCommand());
		return arguments;
	}

	/**
	 * The JDK opens files without {@code O_CLOEXEC}: mark every descriptor but the
	 * standard ones, so that the jar, log files and sockets of the application's JVM do
	 * not stay open in the supervisor.
	 */
	private static void closeOnExec(POSIX posix) throws IOException {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			for (Path descriptor : descriptors.toList()) {
				int fd = Integer.parseInt(descriptor.getFileName().toString());
				if (fd > 2) {
					posix.fcntlInt(fd, Fcntl.F_SETFD, 1);
				}
			}
		}
	}

}
