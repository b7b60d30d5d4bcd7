package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadOutcome;
import io.zerodowntime.reload.ReloadReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GenerationEnvironment}.
 */
class GenerationEnvironmentTests {

	@Test
	void processWithoutControlChannelIsGenerationZero() {
		Generation generation = GenerationEnvironment.read(Map.of("PATH", "/bin"), 42, 1L);
		assertThat(generation.number()).isZero();
		assertThat(generation.isChild()).isFalse();
		assertThat(generation.inheritedCounts()).isEqualTo(ReloadCounts.NONE);
	}

	@Test
	void replayedRequestsAreReadFromTheFileTheParentNamed(@TempDir Path directory) throws IOException {
		Path file = Files.write(directory.resolve("warm-up-requests"), List.of("/a", "/b?c=1", "not a path", ""));
		assertThat(GenerationEnvironment.replayedRequests(Map.of(GenerationEnvironment.WARM_UP_REQUESTS_VARIABLE,
				file.toString())))
			.containsExactly("/a", "/b?c=1");
		assertThat(GenerationEnvironment.replayedRequests(Map.of())).isEmpty();
		assertThat(GenerationEnvironment.replayedRequests(Map.of(GenerationEnvironment.WARM_UP_REQUESTS_VARIABLE,
				directory.resolve("gone").toString())))
			.isEmpty();
	}

	@Test
	void forChildMakesTheNextGenerationWithTheParentsCounts() {
		Generation parent = GenerationEnvironment.read(Map.of(), 42, 1L);
		ReloadReport reload = new ReloadReport("abc", "test", ReloadOutcome.IN_PROGRESS, null, null,
				Instant.ofEpochMilli(1_700_000_000_123L), null, null);
		Map<String, String> environment = GenerationEnvironment.forChild(parent, reload, Path.of("/run/x/control.sock"), "secret",
				new ReloadCounts(3, 1, 7));
		Generation child = GenerationEnvironment.read(environment, 43, 42L);
		assertThat(child.number()).isOne();
		assertThat(child.parentPid()).isEqualTo(42);
		assertThat(child.reloadId()).isEqualTo("abc");
		assertThat(child.reloadStartedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
		assertThat(child.controlSocket()).isEqualTo(Path.of("/run/x/control.sock"));
		assertThat(child.token()).isEqualTo("secret");
		assertThat(child.inheritedCounts()).isEqualTo(new ReloadCounts(3, 1, 7));
	}

	@Test
	void variablesInheritedByAProcessTheApplicationStartedAreIgnored() {
		Generation parent = GenerationEnvironment.read(Map.of(), 42, 1L);
		ReloadReport reload = new ReloadReport("abc", "test", ReloadOutcome.IN_PROGRESS, null, null, Instant.now(),
				null, null);
		Map<String, String> environment = GenerationEnvironment.forChild(parent, reload, Path.of("/run/x/control.sock"), "secret",
				ReloadCounts.NONE);
		// a grandchild: started by generation 1 (pid 43), not by pid 42
		Generation grandchild = GenerationEnvironment.read(environment, 44, 43L);
		assertThat(grandchild.isChild()).isFalse();
		assertThat(grandchild.number()).isZero();
		assertThat(grandchild.token()).isNull();
		assertThat(GenerationEnvironment.read(environment, 44, null).isChild()).isFalse();
	}

	@Test
	void aMalformedReloadEnvironmentIsGenerationZero() {
		Map<String, String> environment = Map.of("ZERODOWNTIME_CONTROL_SOCKET", "/run/x/control.sock",
				"ZERODOWNTIME_TOKEN", "secret", "ZERODOWNTIME_PARENT_PID", "42", "ZERODOWNTIME_GENERATION", "x");
		assertThat(GenerationEnvironment.read(environment, 43, 42L).isChild()).isFalse();
	}

	@Test
	void malformedCountsStartFromZero() {
		assertThat(GenerationEnvironment.decodeCounts("3,x")).isEqualTo(ReloadCounts.NONE);
		assertThat(GenerationEnvironment.decodeCounts(null)).isEqualTo(ReloadCounts.NONE);
	}

}
