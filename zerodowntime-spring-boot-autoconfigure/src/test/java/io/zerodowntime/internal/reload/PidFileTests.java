package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zerodowntime.reload.ReloadRefusedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link PidFile}.
 */
class PidFileTests {

	@TempDir
	Path temp;

	@Test
	void writesAndReplacesWithoutLeavingTemporaryFiles() throws IOException {
		PidFile pidFile = new PidFile(this.temp.resolve("app.pid"));
		pidFile.write(123);
		pidFile.write(456);
		assertThat(this.temp.resolve("app.pid")).hasContent("456");
		try (var files = Files.list(this.temp)) {
			assertThat(files).containsExactly(this.temp.resolve("app.pid"));
		}
	}

	@Test
	void unwritableDirectoryFails() {
		PidFile pidFile = new PidFile(this.temp.resolve("missing/app.pid"));
		assertThatIOException().isThrownBy(() -> pidFile.write(1));
	}

	@Test
	void checkWritableRefusesWithThePropertyWhenTheDirectoryIsNotADirectory() throws IOException {
		Files.writeString(this.temp.resolve("run"), "a file where a directory should be");
		PidFile pidFile = new PidFile(this.temp.resolve("run/app.pid"));
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(pidFile::checkWritable)
			.withMessageContaining("zerodowntime.pid-file")
			.withMessageContaining(this.temp.resolve("run/app.pid").toString());
	}

	@Test
	void checkWritableLeavesNothingBehind() throws IOException {
		new PidFile(this.temp.resolve("app.pid")).checkWritable();
		try (var files = Files.list(this.temp)) {
			assertThat(files).isEmpty();
		}
	}

}
