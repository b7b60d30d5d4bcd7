package io.zerodowntime.reload;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of this process's reload state.
 *
 * @param state the reloader's state
 * @param unavailableReason why no reload can start, when the state is
 * {@link ReloadState#UNAVAILABLE}, else {@code null}
 * @param handoff the handoff mode in use
 * @param pid this process's pid
 * @param generation this process's generation number
 * @param parentPid the pid of the generation that started this one, or {@code null}
 * @param startedBy the id of the reload that started this process, or {@code null}
 * @param reloads the service's reloads by outcome, counted along the chain of
 * generations
 * @param lastReload the last reload this process ran, or {@code null}
 * @author zerodowntime
 * @since 0.1.0
 */
public record ReloadStatus(ReloadState state, @Nullable String unavailableReason, HandoffMode handoff, long pid, int generation, @Nullable Long parentPid,
		@Nullable String startedBy, ReloadCounts reloads, @Nullable ReloadReport lastReload) {

}
