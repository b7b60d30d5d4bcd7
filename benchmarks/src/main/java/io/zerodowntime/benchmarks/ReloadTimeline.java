package io.zerodowntime.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Predicate;

import io.zerodowntime.harness.ServiceUnderTest;

/**
 * One reload's steps, from the trigger: the child spawned (the parent's "started child
 * pid" log line), the child ready (the parent's "is healthy after" line), the parent's
 * acknowledgement taken up (the child's "Took over" line) and the old pid gone (seen from
 * outside). Log times are wall-clock, like the trigger's.
 */
record ReloadTimeline(Duration spawned, Duration ready, Duration acknowledged, Duration oldPidGone) {

	static ReloadTimeline of(String log, Instant triggeredAt, ServiceUnderTest.Handover handover) {
		long child = handover.newPid();
		long parent = handover.oldPid();
		Duration spawned = since(triggeredAt, log, (line) -> line.contains(" " + parent + " --- ")
				&& line.contains("started child pid " + child + " "));
		Duration ready = since(triggeredAt, log,
				(line) -> line.contains(" " + parent + " --- ") && line.contains("child pid " + child + " is healthy"));
		Duration acknowledged = since(triggeredAt, log,
				(line) -> line.contains(" " + child + " --- ") && line.contains("Took over from parent pid " + parent));
		Duration gone = handover.triggerToNewPidServing().plus(handover.newPidServingToOldPidGone());
		return new ReloadTimeline(spawned, ready, acknowledged, gone);
	}

	private static Duration since(Instant triggeredAt, String log, Predicate<String> line) {
		Optional<Instant> at = log.lines().filter(line).findFirst().map(ReloadTimeline::timestamp);
		return at.map((instant) -> Duration.between(triggeredAt, instant)).orElse(null);
	}

	private static Instant timestamp(String line) {
		try {
			return Instant.parse(line.substring(0, line.indexOf(' ')));
		}
		catch (DateTimeParseException | StringIndexOutOfBoundsException ex) {
			return null;
		}
	}

}
