package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zerodowntime.reload.MemoryCheck;
import io.zerodowntime.reload.ReloadRefusedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link MemoryHeadroomCheck}, on a stand-in {@code /proc} and cgroup tree.
 */
class MemoryHeadroomCheckTests {

	@TempDir
	Path proc;

	@TempDir
	Path cgroups;

	@Test
	void enoughMemoryPasses() throws IOException {
		procFiles(500_000, 4_000_000);
		assertThatNoException().isThrownBy(check(MemoryCheck.REFUSE)::check);
	}

	@Test
	void tooLittleMemAvailableIsRefusedWhenAskedTo() throws IOException {
		procFiles(500_000, 300_000);
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(check(MemoryCheck.REFUSE)::check)
			.withMessageContaining("resident 488 MiB")
			.withMessageContaining("only 292 MiB are available (MemAvailable)")
			.withMessageContaining("zerodowntime.memory-check=refuse");
	}

	@Test
	void tooLittleMemoryOnlyWarnsByDefault() throws IOException {
		procFiles(500_000, 300_000);
		assertThatNoException().isThrownBy(check(MemoryCheck.WARN)::check);
		assertThatNoException().isThrownBy(check(MemoryCheck.OFF)::check);
	}

	@Test
	void cgroupLimitCountsWhenItIsTighter() throws IOException {
		procFiles(500_000, 4_000_000);
		Files.writeString(this.proc.resolve("self/cgroup"), "0::/system.slice/app.service\n");
		Path cgroup = Files.createDirectories(this.cgroups.resolve("system.slice/app.service"));
		Files.writeString(cgroup.resolve("memory.max"), Long.toString(1024L * 1024 * 1024) + "\n");
		Files.writeString(cgroup.resolve("memory.current"), Long.toString(700L * 1024 * 1024) + "\n");
		assertThatExceptionOfType(ReloadRefusedException.class).isThrownBy(check(MemoryCheck.REFUSE)::check)
			.withMessageContaining("only 324 MiB are available (memory.max of this process's cgroup)");
		Files.writeString(cgroup.resolve("memory.max"), "max\n");
		assertThatNoException().isThrownBy(check(MemoryCheck.REFUSE)::check);
	}

	@Test
	void unreadableProcSkipsTheCheck() {
		assertThatNoException().isThrownBy(check(MemoryCheck.REFUSE)::check);
	}

	private MemoryHeadroomCheck check(MemoryCheck mode) {
		return new MemoryHeadroomCheck(mode, this.proc, this.cgroups);
	}

	private void procFiles(long residentKib, long availableKib) throws IOException {
		Files.createDirectories(this.proc.resolve("self"));
		Files.writeString(this.proc.resolve("self/status"),
				"Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  " + residentKib + " kB\nThreads:\t42\n");
		Files.writeString(this.proc.resolve("meminfo"),
				"MemTotal:       24000000 kB\nMemFree:        1000000 kB\nMemAvailable:   " + availableKib + " kB\n");
	}

}
