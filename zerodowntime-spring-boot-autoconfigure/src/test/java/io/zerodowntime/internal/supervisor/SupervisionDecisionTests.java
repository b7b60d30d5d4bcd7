package io.zerodowntime.internal.supervisor;

import java.util.Map;

import io.zerodowntime.reload.SupervisorMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SupervisionDecision}.
 */
class SupervisionDecisionTests {

	@Test
	void autoSupervisesPidOne() {
		assertThat(decide(1, "containerd-shim", Map.of(), false).supervise()).isTrue();
	}

	@Test
	void autoSupervisesTheChildOfAContainerInit() {
		for (String init : SupervisionDecision.CONTAINER_INITS) {
			SupervisionDecision decision = decide(7, init, Map.of(), false);
			assertThat(decision.supervise()).isTrue();
			assertThat(decision.reason()).contains(init);
		}
	}

	@Test
	void autoSupervisesASystemdService() {
		assertThat(decide(4242, "systemd", Map.of("INVOCATION_ID", "abc"), false).supervise()).isTrue();
		assertThat(decide(4242, "systemd", Map.of("NOTIFY_SOCKET", "/run/systemd/notify"), false).supervise())
			.isTrue();
	}

	@Test
	void autoSupervisesAProcessInATerminal() {
		assertThat(decide(4242, "bash", Map.of(), true).supervise()).isTrue();
	}

	@Test
	void autoLeavesAProcessThatNothingFollowsAndSaysHowToChangeIt() {
		SupervisionDecision decision = decide(4242, "bash", Map.of("PATH", "/bin"), false);
		assertThat(decision.supervise()).isFalse();
		assertThat(decision.reason()).contains("zerodowntime.supervisor=always");
	}

	@Test
	void alwaysAndNeverOverrideWhatIsDetected() {
		assertThat(SupervisionDecision.decide(SupervisorMode.ALWAYS, 4242, "bash", Map.of(), false).supervise())
			.isTrue();
		assertThat(SupervisionDecision.decide(SupervisorMode.NEVER, 1, "tini", Map.of("INVOCATION_ID", "x"), true)
			.supervise()).isFalse();
	}

	private static SupervisionDecision decide(long pid, String parent, Map<String, String> environment,
			boolean terminal) {
		return SupervisionDecision.decide(SupervisorMode.AUTO, pid, parent, environment, terminal);
	}

}
