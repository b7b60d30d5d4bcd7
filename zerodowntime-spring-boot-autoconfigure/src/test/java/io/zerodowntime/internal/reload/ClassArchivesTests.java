package io.zerodowntime.internal.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import io.zerodowntime.reload.ReloadRefusedException;
import org.junit.jupiter.api.BeforeEach;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ClassArchives}, with real files whose modification times say which was
 * made first.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClassArchivesTests {

	private static final Runtime.Version JDK_25_0_3 = Runtime.Version.parse("25.0.3");

	private static final Runtime.Version JDK_25_0_4 = Runtime.Version.parse("25.0.4");

	private static final Instant DEPLOYED = Instant.parse("2026-11-26T10:00:00Z");

	@TempDir
	Path directory;

	private Path jar;

	@BeforeEach
	void newJar() throws Exception {
		this.jar = Files.writeString(this.directory.resolve("app.jar"), "jar");
		Files.setLastModifiedTime(this.jar, FileTime.from(DEPLOYED));
	}

	@Test
	void anArchiveMadeAfterTheJarPasses(CapturedOutput output) throws Exception {
		archive("app.jsa", DEPLOYED.plusSeconds(60));
		archive("app.aot", DEPLOYED.plusSeconds(60));
		assertThat(check(JDK_25_0_3, "-Xshare:on", "-XX:SharedArchiveFile=app.jsa", "-XX:AOTMode=on",
				"-XX:AOTCache=app.aot"))
			.isEmpty();
		assertThat(output).doesNotContain("WARN");
	}

	@Test
	void aCdsArchiveMadeForTheOldJarIsLoggedAndTheReloadGoesOn(CapturedOutput output) throws Exception {
		archive("app.jsa", DEPLOYED.minusSeconds(3600));
		assertThat(check(JDK_25_0_4, "-XX:SharedArchiveFile=app.jsa")).as("what the reload reports")
			.singleElement(InstanceOfAssertFactories.STRING)
			.startsWith("The CDS archive " + this.directory.resolve("app.jsa") + " was made before")
			.endsWith("the new generation starts without it, more slowly");
		assertThat(output).contains("The CDS archive " + this.directory.resolve("app.jsa") + " was made before")
			.contains("the new generation starts without it")
			.contains("training run");
	}

	@Test
	void aRequiredCdsArchiveMadeForTheOldJarRefuses() throws Exception {
		archive("app.jsa", DEPLOYED.minusSeconds(3600));
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> check(JDK_25_0_4, "-Xshare:on", "-XX:SharedArchiveFile=app.jsa"))
			.withMessageContaining("was made before")
			.withMessageContaining("-Xshare:on")
			.withMessageContaining("training run");
	}

	@Test
	void anAotCacheMadeForTheOldJarRefusesOnAJdkThatMayNotRejectIt() throws Exception {
		archive("app.aot", DEPLOYED.minusSeconds(3600));
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> check(JDK_25_0_3, "-XX:AOTCache=app.aot"))
			.withMessageContaining("JDK-8377932")
			.withMessageContaining("old jar's classes")
			.withMessageContaining("25.0.4");
	}

	@Test
	void anAotCacheMadeForTheOldJarIsLoggedOnAFixedJdk(CapturedOutput output) throws Exception {
		archive("app.aot", DEPLOYED.minusSeconds(3600));
		assertThatNoException().isThrownBy(() -> check(JDK_25_0_4, "-XX:AOTCache=app.aot"));
		assertThat(output).contains("The AOT cache").contains("the new generation starts without it");
	}

	@Test
	void aMissingArchiveIsLoggedUnlessRequired(CapturedOutput output) {
		assertThatNoException().isThrownBy(() -> check(JDK_25_0_3, "-XX:AOTCache=gone.aot"));
		assertThat(output).contains("gone.aot does not exist");
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> check(JDK_25_0_3, "-XX:AOTMode=on", "-XX:AOTCache=gone.aot"))
			.withMessageContaining("-XX:AOTMode=on");
	}

	@Test
	void eachOfAStaticAndADynamicCdsArchiveIsChecked() throws Exception {
		archive("base.jsa", DEPLOYED.plusSeconds(60));
		archive("dynamic.jsa", DEPLOYED.minusSeconds(60));
		assertThatExceptionOfType(ReloadRefusedException.class)
			.isThrownBy(() -> check(JDK_25_0_4, "-Xshare:on", "-XX:SharedArchiveFile=base.jsa:dynamic.jsa"))
			.withMessageContaining("dynamic.jsa");
	}

	private void archive(String name, Instant made) throws Exception {
		Path archive = Files.writeString(this.directory.resolve(name), "archive");
		Files.setLastModifiedTime(archive, FileTime.from(made));
	}

	private List<String> check(Runtime.Version java, String... jvmOptions) {
		return ClassArchives.of(List.of(jvmOptions), this.directory, this.jar, java).check();
	}

}
