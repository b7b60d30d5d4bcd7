package io.zerodowntime.internal.tomcat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DrainSpread}.
 */
class DrainSpreadTests {

	private static final long MILLI = 1_000_000;

	@Test
	void theFirstConnectionIsToldAtOnceAndTheOthersEvenlyOverTheSpread() {
		DrainSpread spread = new DrainSpread(Duration.ofSeconds(1));
		assertThat(spread.due(20, 0)).isEqualTo(1);
		assertThat(spread.due(20, 49 * MILLI)).isEqualTo(1);
		assertThat(spread.due(20, 50 * MILLI)).isEqualTo(2);
		assertThat(spread.due(20, 500 * MILLI)).isEqualTo(11);
		assertThat(spread.due(20, 999 * MILLI)).isEqualTo(20);
	}

	@Test
	void everyConnectionIsDueOnceTheSpreadHasPassed() {
		DrainSpread spread = new DrainSpread(Duration.ofSeconds(1));
		assertThat(spread.due(20, 1000 * MILLI)).isEqualTo(Long.MAX_VALUE);
		assertThat(spread.due(0, 1000 * MILLI)).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void noSpreadTellsThemAllAtOnce() {
		assertThat(new DrainSpread(Duration.ZERO).due(20, 0)).isEqualTo(Long.MAX_VALUE);
	}

}
