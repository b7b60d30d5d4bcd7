package io.zerodowntime.reload;

import java.nio.file.Path;
import java.time.Instant;

import io.zerodowntime.internal.reload.GenerationEnvironment;
import org.jspecify.annotations.Nullable;

/**
 * Who this process is in the chain of generations: generation 0 was started by the user;
 * every later one was started by a reload and finds its parent's control channel in its
 * environment.
 *
 * @param number the generation number, 0 for a process started by the user
 * @param pid this process's pid
 * @param parentPid the pid of the generation that started this one, or {@code null} for
 * generation 0
 * @param reloadId the id of the reload that started this process, or {@code null}
 * @param controlSocket the parent's control socket, or {@code null} for generation 0
 * @param token the secret that authenticates this process to its parent, or
 * {@code null} for generation 0
 * @param reloadStartedAt when the reload that started this process was triggered, or
 * {@code null}
 * @param inheritedCounts the parent's reload counts when it started this process
 * @author zerodowntime
 * @since 0.1.0
 */
public record Generation(int number, long pid, @Nullable Long parentPid, @Nullable String reloadId,
		@Nullable Path controlSocket, @Nullable String token, @Nullable Instant reloadStartedAt,
		ReloadCounts inheritedCounts) {

	/**
	 * Return the generation of the current process, read from its environment.
	 * @return the current generation
	 */
	public static Generation current() {
		ProcessHandle self = ProcessHandle.current();
		return GenerationEnvironment.read(System.getenv(), self.pid(),
				self.parent().map(ProcessHandle::pid).orElse(null));
	}

	/**
	 * Whether this process was started by a reload and must report to its parent before it
	 * serves.
	 * @return whether this process is a child awaiting handover
	 */
	public boolean isChild() {
		return this.controlSocket != null;
	}

	@Override
	public String toString() {
		return "generation " + this.number + " (pid " + this.pid
				+ ((this.parentPid != null) ? ", parent " + this.parentPid : "") + ")";
	}

}
