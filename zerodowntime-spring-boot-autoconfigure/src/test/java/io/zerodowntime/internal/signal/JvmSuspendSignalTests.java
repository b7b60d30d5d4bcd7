package io.zerodowntime.internal.signal;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JvmSuspendSignal}.
 */
class JvmSuspendSignalTests {

	@Test
	void aJvmStartedWithoutTheVariableSuspendsThreadsWithTheDefaultReloadSignal() {
		assertThat(JvmSuspendSignal.isShared("USR2", Map.of())).isTrue();
		assertThat(JvmSuspendSignal.isShared("USR1", Map.of())).isFalse();
		assertThat(JvmSuspendSignal.isShared("HUP", Map.of())).isFalse();
	}

	@Test
	void aValidVariableMovesTheSuspendSignal() {
		assertThat(JvmSuspendSignal.isShared("USR2", Map.of("_JAVA_SR_SIGNUM", "40"))).isFalse();
		assertThat(JvmSuspendSignal.isShared("USR2", Map.of("_JAVA_SR_SIGNUM", " 64 "))).isFalse();
	}

	@Test
	void aValueHotSpotIgnoresLeavesItOnSigusr2() {
		assertThat(JvmSuspendSignal.isShared("USR2", Map.of("_JAVA_SR_SIGNUM", "11"))).isTrue();
		assertThat(JvmSuspendSignal.isShared("USR2", Map.of("_JAVA_SR_SIGNUM", "65"))).isTrue();
		assertThat(JvmSuspendSignal.isShared("USR2", Map.of("_JAVA_SR_SIGNUM", "rt6"))).isTrue();
		assertThat(JvmSuspendSignal.isShared("USR2", Map.of("_JAVA_SR_SIGNUM", "12"))).isTrue();
	}

	@Test
	void movingItKeepsAChoiceAlreadyMade() {
		Map<String, String> unset = new HashMap<>();
		JvmSuspendSignal.moveIn(unset);
		assertThat(unset).containsEntry("_JAVA_SR_SIGNUM", "40");
		Map<String, String> chosen = new HashMap<>(Map.of("_JAVA_SR_SIGNUM", "45"));
		JvmSuspendSignal.moveIn(chosen);
		assertThat(chosen).containsEntry("_JAVA_SR_SIGNUM", "45");
	}

}
