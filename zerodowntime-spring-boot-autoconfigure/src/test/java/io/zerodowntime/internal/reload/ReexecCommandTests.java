package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.zerodowntime.reload.ReloadRefusedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReexecCommand}.
 */
class ReexecCommandTests {

	private static final Path JAVA = Path.of("/opt/jdk/bin/java");

	@TempDir
	Path temp;

	@Test
	void parsesProcCmdline() {
		byte[] cmdline = "java\0-Xmx1g\0-jar\0app.jar\0--server.port=8080\0".getBytes(StandardCharsets.UTF_8);
		assertThat(ReexecCommand.parseCmdline(cmdline)).containsExactly("java", "-Xmx1g", "-jar", "app.jar",
				"--server.port=8080");
	}

	@Test
	void keepsJvmOptionsJarAndArgumentsAndUsesThisJavaBinary() throws IOException {
		writeBootJar("app.jar", "com.example.App");
		ReexecCommand command = ReexecCommand.of(JAVA,
				List.of("java", "-Xmx1g", "-Dx=y", "-jar", "app.jar", "--server.port=8080", "-jar"), this.temp,
				"com.example.App");
		assertThat(command.getCommand()).containsExactly(JAVA.toString(), "-Xmx1g", "-Dx=y", "-jar", "app.jar",
				"--server.port=8080", "-jar");
		assertThat(command.getJar()).isEqualTo(this.temp.resolve("app.jar"));
		assertThat(command.getWorkingDirectory()).isEqualTo(this.temp);
	}

	@Test
	void acceptsAClassPathLaunchOfTheApplication() {
		ReexecCommand command = ReexecCommand.of(JAVA,
				List.of("java", "-cp", "classes:lib/*", "com.example.App", "--debug"), this.temp, "com.example.App");
		assertThat(command.getCommand()).containsExactly(JAVA.toString(), "-cp", "classes:lib/*", "com.example.App",
				"--debug");
		assertThat(command.getJar()).isNull();
	}

	@Test
	void refusesATestRunnerJar() throws IOException {
		writeJar("surefirebooter.jar", "org.apache.maven.surefire.booter.ForkedBooter", null);
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> ReexecCommand.of(JAVA, List.of("java", "-jar", "surefirebooter.jar"), this.temp,
					"com.example.App"))
			.withMessageContaining("ForkedBooter")
			.withMessageContaining("not the application com.example.App");
	}

	@Test
	void refusesAClassPathLaunchOfAnotherMainClass() {
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> ReexecCommand.of(JAVA, List.of("java", "-cp", "x", "com.intellij.rt.Launcher"),
					this.temp, "com.example.App"))
			.withMessageContaining("com.intellij.rt.Launcher");
	}

	@Test
	void refusesAModuleLaunch() {
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> ReexecCommand.of(JAVA, List.of("java", "-m", "app/com.example.App"), this.temp, null))
			.withMessageContaining("module");
	}

	@Test
	void refusesAMissingJar() {
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> ReexecCommand.of(JAVA, List.of("java", "-jar", "gone.jar"), this.temp, null))
			.withMessageContaining("does not exist");
	}

	@Test
	void preflightRefusesACorruptJarRenamedIntoPlace() throws IOException {
		writeBootJar("app.jar", "com.example.App");
		ReexecCommand command = ReexecCommand.of(JAVA, List.of("java", "-jar", "app.jar"), this.temp,
				"com.example.App");
		Files.write(this.temp.resolve("app.jar"), new byte[] { 1, 2, 3, 4 });
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> command.preflight("com.example.App"))
			.withMessageContaining("cannot be opened");
	}

	@Test
	void preflightRefusesANewJarThatARequiredClassDataArchiveWasNotMadeFor() throws IOException {
		writeBootJar("app.jar", "com.example.App");
		Path archive = Files.writeString(this.temp.resolve("app.jsa"), "archive");
		ReexecCommand command = ReexecCommand.of(JAVA,
				List.of("java", "-Xshare:on", "-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar"), this.temp,
				"com.example.App");
		command.preflight("com.example.App");
		// a new jar dropped in place after the archive was made
		Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
		writeBootJar("app.jar", "com.example.App");
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> command.preflight("com.example.App"))
			.withMessageContaining("app.jsa was made before");
	}

	private void writeBootJar(String name, String startClass) throws IOException {
		writeJar(name, "org.springframework.boot.loader.launch.JarLauncher", startClass);
	}

	private void writeJar(String name, String mainClass, String startClass) throws IOException {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
		if (startClass != null) {
			manifest.getMainAttributes().putValue("Start-Class", startClass);
		}
		try (OutputStream out = Files.newOutputStream(this.temp.resolve(name));
				JarOutputStream jar = new JarOutputStream(out, manifest)) {
			jar.flush();
		}
	}

}
