package io.zerodowntime.internal.reload;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import io.zerodowntime.reload.ReloadCounts;
import io.zerodowntime.reload.ReloadOutcome;
import io.zerodowntime.reload.ReloadReport;
import org.jspecify.annotations.Nullable;

/**
 * What the parent tells a child once it serves: the reload that made it, as the parent
 * measured it, and the service's counts at that moment (triggers refused while the child
 * started included). The child shows both as its own status, so that the reload's outcome
 * is not only in the old generation's log.
 *
 * <p>
 * One line on the control channel, after {@code SERVING}:
 * {@code RELOADED <succeeded>,<failed>,<rejected> <id> <startedAt ms> <childReady ms|->
 * <duration ms> [notes=<base64url>] <trigger>}, the notes (if any) one per line before
 * encoding. A parent that sends nothing (an older version, or one that died) leaves the
 * child with the counts of its environment; one of an earlier version sends no notes.
 *
 * @param reload the reload that made the child
 * @param counts the counts before that reload's success is added
 * @author zerodowntime
 */
public record HandoverReport(ReloadReport reload, ReloadCounts counts) {

	private static final String KEYWORD = "RELOADED";

	private static final String NOTES = "notes=";

	String encode() {
		Duration childReady = this.reload.childReady();
		Duration duration = this.reload.duration();
		List<String> notes = this.reload.notes();
		return KEYWORD + " " + this.counts.succeeded() + "," + this.counts.failed() + "," + this.counts.rejected() + " "
				+ this.reload.id() + " " + this.reload.startedAt().toEpochMilli() + " "
				+ ((childReady != null) ? Long.toString(childReady.toMillis()) : "-") + " "
				+ ((duration != null) ? duration.toMillis() : 0) + " "
				+ (notes.isEmpty() ? "" : NOTES + encodeNotes(notes) + " ") + ParentHandshake.oneLine(this.reload.trigger());
	}

	private static String encodeNotes(List<String> notes) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(String.join("\n", notes).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Read the line a parent sent, as seen by the child that it made.
	 * @param line the line, or {@code null} if the parent sent none
	 * @param childPid the child's pid
	 * @return the report, or {@code null} if the line is missing or not one
	 */
	static @Nullable HandoverReport decode(@Nullable String line, long childPid) {
		if (line == null || !line.startsWith(KEYWORD + " ")) {
			return null;
		}
		String[] parts = line.split(" ", 7);
		if (parts.length < 7 || !parts[1].matches("\\d+,\\d+,\\d+")) {
			return null;
		}
		try {
			ReloadCounts counts = GenerationEnvironment.decodeCounts(parts[1]);
			Duration childReady = parts[4].equals("-") ? null : Duration.ofMillis(Long.parseLong(parts[4]));
			// a parent of an earlier version sends no notes
			String trigger = parts[6];
			List<String> notes = List.of();
			if (trigger.startsWith(NOTES) && trigger.indexOf(' ') > 0) {
				String encoded = trigger.substring(NOTES.length(), trigger.indexOf(' '));
				notes = List.of(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split("\n"));
				trigger = trigger.substring(trigger.indexOf(' ') + 1);
			}
			ReloadReport reload = new ReloadReport(parts[2], trigger, ReloadOutcome.SUCCEEDED, childPid, null,
					Instant.ofEpochMilli(Long.parseLong(parts[3])), childReady, Duration.ofMillis(Long.parseLong(parts[5])),
					notes);
			return new HandoverReport(reload, counts);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
