package io.zerodowntime.internal.supervisor;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls the supervisor needs and the JDK does not offer: becoming a child
 * subreaper, waiting for children it did not spawn, sending any signal, and a Unix
 * datagram socket to receive notifications on.
 *
 * @author zerodowntime
 */
public interface SupervisorLibC {

	/**
	 * {@code prctl} option: orphaned descendants are re-parented to this process.
	 */
	int PR_SET_CHILD_SUBREAPER = 36;

	/**
	 * {@code waitid} id type: any child.
	 */
	int P_ALL = 0;

	/**
	 * {@code waitid} id type: the child with the given pid.
	 */
	int P_PID = 1;

	/**
	 * {@code waitid} option: children that have exited.
	 */
	int WEXITED = 4;

	/**
	 * {@code waitid} option: leave the child waitable (peek).
	 */
	int WNOWAIT = 0x01000000;

	/**
	 * Create the binding.
	 * @return the libc calls
	 */
	static SupervisorLibC load() {
		return LibraryLoader.create(SupervisorLibC.class).load("c");
	}

	int prctl(int option, long arg2, long arg3, long arg4, long arg5);

	/**
	 * Wait for a child.
	 * @param idType {@link #P_ALL} or {@link #P_PID}
	 * @param id the pid for {@link #P_PID}
	 * @param siginfo a {@code siginfo_t} (128 bytes) to fill
	 * @param options {@link #WEXITED}, optionally {@link #WNOWAIT}
	 * @return 0, or -1 with errno set ({@code ECHILD}: no child left)
	 */
	@SaveError
	int waitid(int idType, int id, @Out byte[] siginfo, int options);

	int kill(int pid, int signal);

	int isatty(int descriptor);

	int socket(int domain, int type, int protocol);

	int bind(int socket, @In byte[] address, int addressLength);

	@ssize_t
	long recv(int socket, @Out byte[] buffer, @size_t long length, int flags);

	int close(int descriptor);

}
