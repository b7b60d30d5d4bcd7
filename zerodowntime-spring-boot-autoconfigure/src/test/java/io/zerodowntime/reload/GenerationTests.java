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
		Generation generation = Generation.fromEnvironment(Map.of("PATH", "/bin"), 42);
		assertThat(generation.number()).isZero();
		assertThat(generation.isChild()).isFalse();
		assertThat(generation.inheritedCounts()).isEqualTo(ReloadCounts.NONE);
	}

	@Test
	void childEnvironmentMakesTheNextGenerationWithTheParentsCounts() {
		Generation parent = Generation.fromEnvironment(Map.of(), 42);
		ReloadReport reload = new ReloadReport("abc", "test", ReloadOutcome.IN_PROGRESS, null, null,
				Instant.ofEpochMilli(1_700_000_000_123L), null, null);
		Map<String, String> environment = parent.childEnvironment(reload, Path.of("/run/x/control.sock"), "secret",
				new ReloadCounts(3, 1, 7));
		Generation child = Generation.fromEnvironment(environment, 43);
		assertThat(child.number()).isOne();
		assertThat(child.parentPid()).isEqualTo(42);
		assertThat(child.reloadId()).isEqualTo("abc");
		assertThat(child.reloadStartedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
		assertThat(child.controlSocket()).isEqualTo(Path.of("/run/x/control.sock"));
		assertThat(child.token()).isEqualTo("secret");
		assertThat(child.inheritedCounts()).isEqualTo(new ReloadCounts(3, 1, 7));
	}

	@Test
	void malformedCountsStartFromZero() {
		assertThat(ReloadCounts.decode("3,x")).isEqualTo(ReloadCounts.NONE);
		assertThat(ReloadCounts.decode(null)).isEqualTo(ReloadCounts.NONE);
	}

}
