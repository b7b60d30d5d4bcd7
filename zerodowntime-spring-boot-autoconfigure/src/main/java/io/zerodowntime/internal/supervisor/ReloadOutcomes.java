package io.zerodowntime.internal.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The outcomes of reloads as the generations announce them, for whoever waits for the
 * next one: {@code SUCCEEDED}, {@code FAILED} or {@code REFUSED}, with the reason.
 *
 * @author zerodowntime
 */
final class ReloadOutcomes {

	private final List<CompletableFuture<String>> waiting = new ArrayList<>();

	/**
	 * Return the outcome of the next reload that ends from now on.
	 * @return the outcome, completed when it ends
	 */
	synchronized CompletableFuture<String> next() {
		CompletableFuture<String> outcome = new CompletableFuture<>();
		this.waiting.add(outcome);
		return outcome;
	}

	/**
	 * Record a notification's reload fields.
	 * @param outcome the value of {@code X_ZERODOWNTIME_RELOAD}
	 * @param status the value of {@code STATUS}, or an empty string
	 */
	synchronized void announced(String outcome, String status) {
		String ended = ended(outcome, status);
		if (ended == null) {
			return;
		}
		this.waiting.forEach((waiter) -> waiter.complete(ended));
		this.waiting.clear();
	}

	private static @Nullable String ended(String outcome, String status) {
		if (outcome.startsWith("succeeded")) {
			return "SUCCEEDED " + status;
		}
		if (outcome.startsWith("failed")) {
			return "FAILED " + status;
		}
		if (outcome.startsWith("refused")) {
			return "REFUSED " + status;
		}
		return null;
	}

}
