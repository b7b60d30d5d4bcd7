package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import io.zerodowntime.reload.ReloadRefusedException;
import org.jspecify.annotations.Nullable;

/**
 * The command line that starts this process again: the same {@code java} binary, JVM
 * options, {@code -jar} path or class path and main class, program arguments and working
 * directory. It is read from {@code /proc/self/cmdline}, so a jar renamed over the old one
 * is what the next generation runs.
 *
 * @author zerodowntime
 */
public final class ReexecCommand {

	/**
	 * Launcher options that take the next argument as their value.
	 */
	private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p",
			"--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules", "--add-reads",
			"--add-exports", "--add-opens", "--patch-module", "--enable-native-access");

	private final List<String> command;

	private final Path workingDirectory;

	private final @Nullable Path jar;

	private final List<String> jvmOptions;

	private ReexecCommand(List<String> command, Path workingDirectory, @Nullable Path jar, List<String> jvmOptions) {
		this.command = List.copyOf(command);
		this.workingDirectory = workingDirectory;
		this.jar = jar;
		this.jvmOptions = List.copyOf(jvmOptions);
	}

	/**
	 * Capture the command line of the current process.
	 * @param mainClass the application's main class, used to check that the command line
	 * starts this application rather than a tool that hosts it (an IDE runner, a test)
	 * @return the command
	 * @throws ReloadRefusedException if this process cannot be started again this way
	 */
	public static ReexecCommand ofCurrentProcess(@Nullable Class<?> mainClass) {
		List<String> arguments;
		try {
			arguments = parseCmdline(Files.readAllBytes(Path.of("/proc/self/cmdline")));
		}
		catch (IOException ex) {
			throw new ReloadRefusedException("the command line cannot be read from /proc/self/cmdline (" + ex + ")");
		}
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		return of(java, arguments, Path.of(System.getProperty("user.dir")),
				(mainClass != null) ? mainClass.getName() : null);
	}

	static ReexecCommand of(Path java, List<String> arguments, Path workingDirectory,
			@Nullable String mainClassName) {
		if (arguments.isEmpty()) {
			throw new ReloadRefusedException("the command line of this process is empty");
		}
		List<String> command = new ArrayList<>();
		command.add(java.toString());
		Path jar = null;
		List<String> jvmOptions = new ArrayList<>();
		boolean launchFound = false;
		for (int i = 1; i < arguments.size(); i++) {
			String argument = arguments.get(i);
			command.add(argument);
			if (launchFound) {
				continue;
			}
			if (argument.equals("-jar")) {
				if (i + 1 >= arguments.size()) {
					throw new ReloadRefusedException("-jar has no file on the command line");
				}
				String jarArgument = arguments.get(++i);
				command.add(jarArgument);
				jar = workingDirectory.resolve(jarArgument);
				checkJarStartsApplication(jar, mainClassName);
				launchFound = true;
			}
			else if (argument.equals("-m") || argument.equals("--module") || argument.startsWith("--module=")) {
				throw new ReloadRefusedException("the application was started as a module (" + argument
						+ "); start it with -jar or a class path to reload it");
			}
			else if (argument.startsWith("--source")) {
				throw new ReloadRefusedException("the application was started from a source file");
			}
			else if (OPTIONS_WITH_VALUE.contains(argument)) {
				if (i + 1 < arguments.size()) {
					command.add(arguments.get(++i));
				}
			}
			else if (!argument.startsWith("-") && !argument.startsWith("@")) {
				checkMainClassIsApplication(argument, mainClassName);
				launchFound = true;
			}
			else {
				jvmOptions.add(argument);
			}
		}
		if (!launchFound) {
			throw new ReloadRefusedException("no -jar file or main class found on the command line");
		}
		return new ReexecCommand(command, workingDirectory, jar, jvmOptions);
	}

	private static void checkJarStartsApplication(Path jar, @Nullable String mainClassName) {
		Manifest manifest = readManifest(jar);
		Attributes attributes = manifest.getMainAttributes();
		String startClass = attributes.getValue("Start-Class");
		String started = (startClass != null) ? startClass : attributes.getValue(Attributes.Name.MAIN_CLASS);
		if (started == null) {
			throw new ReloadRefusedException("the jar " + jar + " has no Start-Class or Main-Class in its manifest");
		}
		if (mainClassName != null && !started.equals(mainClassName)) {
			throw new ReloadRefusedException("the jar on the command line (" + jar + ") starts " + started
					+ ", not the application " + mainClassName
					+ " (started from an IDE or a test runner?); run the application's own jar to reload it");
		}
	}

	private static void checkMainClassIsApplication(String started, @Nullable String mainClassName) {
		if (mainClassName != null && !started.equals(mainClassName)) {
			throw new ReloadRefusedException("the command line starts " + started + ", not the application "
					+ mainClassName + " (started from an IDE or a test runner?)");
		}
	}

	private static Manifest readManifest(Path jar) {
		if (!Files.isRegularFile(jar)) {
			throw new ReloadRefusedException("the jar " + jar + " does not exist or is not a regular file");
		}
		if (!Files.isReadable(jar)) {
			throw new ReloadRefusedException("the jar " + jar + " is not readable");
		}
		try (JarFile jarFile = new JarFile(jar.toFile())) {
			Manifest manifest = jarFile.getManifest();
			if (manifest == null) {
				throw new ReloadRefusedException("the jar " + jar + " has no manifest");
			}
			return manifest;
		}
		catch (IOException ex) {
			throw new ReloadRefusedException("the jar " + jar + " cannot be opened: " + ex.getMessage());
		}
	}

	static List<String> parseCmdline(byte[] cmdline) {
		String all = new String(cmdline, StandardCharsets.UTF_8);
		if (all.endsWith("\0")) {
			all = all.substring(0, all.length() - 1);
		}
		return all.isEmpty() ? Collections.emptyList() : Arrays.asList(all.split("\0", -1));
	}

	/**
	 * Check, just before a spawn, that the command can still start: the jar it names is
	 * (still, or again) a readable jar that starts the same application, with the class
	 * data archives it names (see {@link ClassArchives}).
	 * @param mainClassName the application's main class name, or {@code null}
	 * @return what the reload should report although it can start (see
	 * {@link ClassArchives#check()})
	 * @throws ReloadRefusedException if the command cannot start
	 */
	List<String> preflight(@Nullable String mainClassName) {
		if (this.jar == null) {
			return List.of();
		}
		checkJarStartsApplication(this.jar, mainClassName);
		return ClassArchives.of(this.jvmOptions, this.workingDirectory, this.jar, Runtime.version()).check();
	}

	/**
	 * Return the command, the {@code java} binary first.
	 * @return the command
	 */
	public List<String> getCommand() {
		return this.command;
	}

	/**
	 * Return the working directory the command runs in.
	 * @return the working directory
	 */
	public Path getWorkingDirectory() {
		return this.workingDirectory;
	}

	/**
	 * Return the jar the command runs, or {@code null} when it runs a class path.
	 * @return the jar or {@code null}
	 */
	public @Nullable Path getJar() {
		return this.jar;
	}

	@Override
	public String toString() {
		return String.join(" ", this.command);
	}

}
