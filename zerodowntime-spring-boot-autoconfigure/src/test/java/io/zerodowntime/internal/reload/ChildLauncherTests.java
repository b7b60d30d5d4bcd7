package io.zerodowntime.internal.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChildLauncher}, with real processes.
 */
class ChildLauncherTests {

	@TempDir
	Path temp;

	@Test
	void theNextGenerationGetsItsParentsEntriesAndTheJvmSuspendSignalMovedOffSigusr2() throws Exception {
		assertThat(launchAndRead(Map.of("ZERODOWNTIME_GENERATION", "3"))).isEqualTo("3 40");
	}

	@Test
	void aSuspendSignalChosenForTheChildIsKept() throws Exception {
		assertThat(launchAndRead(Map.of("ZERODOWNTIME_GENERATION", "3", "_JAVA_SR_SIGNUM", "45"))).isEqualTo("3 45");
	}

	private String launchAndRead(Map<String, String> environment) throws Exception {
		Path out = this.temp.resolve("environment");
		ReexecCommand command = ReexecCommand.of(Path.of("/bin/sh"),
				List.of("sh", "-c", "echo \"$ZERODOWNTIME_GENERATION $_JAVA_SR_SIGNUM\" > '" + out + "'"), this.temp,
				null);
		Process child = new ChildLauncher().launch(command, environment);
		try {
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(child.exitValue()).isZero();
			return Files.readString(out).trim();
		}
		finally {
			child.destroyForcibly();
		}
	}

}
