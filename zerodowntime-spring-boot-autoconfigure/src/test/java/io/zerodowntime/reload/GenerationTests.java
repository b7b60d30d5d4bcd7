package io.zerodowntime.reload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Generation}.
 */
class GenerationTests {

	@Test
	void processWithoutControlChannelIsGenerationZero() {
		Generation generation = Generation.fromEnvironment(Map.of("PATH", "/bin"), 42, 1L);
		assertThat(generation.number()).isZero();
		assertThat(generation.isChild()).isFalse();
		assertThat(generation.inheritedCounts()).isEqualTo(ReloadCounts.NONE);
	}

	@Test
	void childEnvironmentMakesTheNextGenerationWithTheParentsCounts() {
		Generation parent = Generation.fromEnvironment(Map.of(), 42, 1L);
		ReloadReport reload = new ReloadReport("abc", "test", ReloadOutcome.IN_PROGRESS, null, null,
				Instant.ofEpochMilli(1_700_000_000_123L), null, null);
		Map<String, String> environment = parent.childEnvironment(reload, Path.of("/run/x/control.sock"), "secret",
				new ReloadCounts(3, 1, 7));
		Generation child = Generation.fromEnvironment(environment, 43, 42L);
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
		Generation parent = Generation.fromEnvironment(Map.of(), 42, 1L);
		ReloadReport reload = new ReloadReport("abc", "test", ReloadOutcome.IN_PROGRESS, null, null, Instant.now(),
				null, null);
		Map<String, String> environment = parent.childEnvironment(reload, Path.of("/run/x/control.sock"), "secret",
				ReloadCounts.NONE);
		// a grandchild: started by generation 1 (pid 43), not by pid 42
		Generation grandchild = Generation.fromEnvironment(environment, 44, 43L);
		assertThat(grandchild.isChild()).isFalse();
		assertThat(grandchild.number()).isZero();
		assertThat(grandchild.token()).isNull();
		assertThat(Generation.fromEnvironment(environment, 44, null).isChild()).isFalse();
	}

	@Test
	void aMalformedReloadEnvironmentIsGenerationZero() {
		Map<String, String> environment = Map.of("ZERODOWNTIME_CONTROL_SOCKET", "/run/x/control.sock",
				"ZERODOWNTIME_TOKEN", "secret", "ZERODOWNTIME_PARENT_PID", "42", "ZERODOWNTIME_GENERATION", "x");
		assertThat(Generation.fromEnvironment(environment, 43, 42L).isChild()).isFalse();
	}

	@Test
	void malformedCountsStartFromZero() {
		assertThat(ReloadCounts.decode("3,x")).isEqualTo(ReloadCounts.NONE);
		assertThat(ReloadCounts.decode(null)).isEqualTo(ReloadCounts.NONE);
	}

}
