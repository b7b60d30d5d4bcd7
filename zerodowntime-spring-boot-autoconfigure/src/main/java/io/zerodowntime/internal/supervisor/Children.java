package io.zerodowntime.internal.supervisor;

import java.io.IOException;
import java.util.OptionalLong;

import jnr.ffi.Runtime;

/**
 * The supervisor's children, spawned or adopted: waits for the next one to exit and reaps
 * it. A child spawned through the JDK is reaped by the JDK's own reaper thread, so waiting
 * only peeks ({@code WNOWAIT}) and the caller decides who reaps.
 *
 * @author zerodowntime
 */
final class Children {

	private static final int EINTR = 4;

	private static final int ECHILD = 10;

	private static final int SIGINFO_SIZE = 128;

	private final SupervisorLibC libc;

	Children(SupervisorLibC libc) {
		this.libc = libc;
	}

	/**
	 * Wait until a child has exited, without reaping it.
	 * @return its pid, or empty once no child is left
	 * @throws IOException if waiting fails
	 */
	OptionalLong awaitExit() throws IOException {
		byte[] siginfo = new byte[SIGINFO_SIZE];
		while (true) {
			if (this.libc.waitid(SupervisorLibC.P_ALL, 0, siginfo, SupervisorLibC.WEXITED | SupervisorLibC.WNOWAIT) == 0) {
				return OptionalLong.of(ChildExit.decode(siginfo).pid());
			}
			int errno = Runtime.getRuntime(this.libc).getLastError();
			if (errno == ECHILD) {
				return OptionalLong.empty();
			}
			if (errno != EINTR) {
				throw new IOException("waitid failed with errno " + errno);
			}
		}
	}

	/**
	 * Reap a child that has exited.
	 * @param pid the child's pid
	 * @return how it exited
	 * @throws IOException if it cannot be reaped
	 */
	ChildExit reap(long pid) throws IOException {
		byte[] siginfo = new byte[SIGINFO_SIZE];
		while (this.libc.waitid(SupervisorLibC.P_PID, (int) pid, siginfo, SupervisorLibC.WEXITED) != 0) {
			int errno = Runtime.getRuntime(this.libc).getLastError();
			if (errno != EINTR) {
				throw new IOException("waitid for pid " + pid + " failed with errno " + errno);
			}
		}
		return ChildExit.decode(siginfo);
	}

}
