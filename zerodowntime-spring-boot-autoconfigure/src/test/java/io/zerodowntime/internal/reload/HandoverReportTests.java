package io.zerodowntime.internal.reload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadOutcome;
import io.zerodowntime.reload.ReloadReport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HandoverReport}.
 */
class HandoverReportTests {

	private static final Instant STARTED = Instant.ofEpochMilli(1_764_000_000_123L);

	@Test
	void whatTheParentSendsIsWhatTheChildReads() {
		ReloadReport reload = new ReloadReport("0f1e2d3c", "signal SIGUSR2", ReloadOutcome.SUCCEEDED, 4242L, null,
				STARTED, Duration.ofMillis(6_500), Duration.ofMillis(6_512));
		HandoverReport sent = new HandoverReport(reload, new ReloadCounts(3, 1, 7));
		assertThat(HandoverReport.decode(sent.encode(), 4242)).isEqualTo(sent);
	}

	@Test
	void theNotesOfTheReloadReachTheChild() {
		ReloadReport reload = new ReloadReport("0f1e2d3c", "signal SIGUSR2", ReloadOutcome.SUCCEEDED, 4242L, null,
				STARTED, Duration.ofMillis(6_500), Duration.ofMillis(6_512),
				List.of("The CDS archive /srv/app.jsa was made before the jar: the new generation starts without it",
						"warm-up incomplete: 40 request(s) to [/] …; 3 failed (first: GET / answered 503)"));
		HandoverReport sent = new HandoverReport(reload, new ReloadCounts(3, 1, 7));
		assertThat(sent.encode()).doesNotContain("CDS").endsWith(" signal SIGUSR2");
		assertThat(HandoverReport.decode(sent.encode(), 4242)).isEqualTo(sent);
	}

	@Test
	void aReloadWithoutReadinessTimeIsReadWithout() {
		ReloadReport reload = new ReloadReport("0f1e2d3c", "endpoint", ReloadOutcome.SUCCEEDED, 4242L, null, STARTED,
				null, Duration.ofMillis(10));
		HandoverReport read = HandoverReport.decode(new HandoverReport(reload, ReloadCounts.NONE).encode(), 4242);
		assertThat(read).isNotNull();
		assertThat(read.reload().childReady()).isNull();
	}

	@Test
	void theChildNamesItselfAndTheOutcomeIsSuccess() {
		HandoverReport read = HandoverReport.decode("RELOADED 0,0,0 id 1 2 3 endpoint", 77);
		assertThat(read).isNotNull();
		assertThat(read.reload().childPid()).isEqualTo(77);
		assertThat(read.reload().outcome()).isEqualTo(ReloadOutcome.SUCCEEDED);
		assertThat(read.reload().duration()).isEqualTo(Duration.ofMillis(3));
		assertThat(read.reload().notes()).as("a parent of an earlier version sends none").isEmpty();
	}

	@Test
	void nothingOrSomethingElseIsNoReport() {
		assertThat(HandoverReport.decode(null, 1)).isNull();
		assertThat(HandoverReport.decode("", 1)).isNull();
		assertThat(HandoverReport.decode("ACK", 1)).isNull();
		assertThat(HandoverReport.decode("RELOADED 1,2 id 1 2 3 endpoint", 1)).isNull();
		assertThat(HandoverReport.decode("RELOADED 1,2,3 id x 2 3 endpoint", 1)).isNull();
		assertThat(HandoverReport.decode("RELOADED 1,2,3 id 1 2", 1)).isNull();
	}

}
