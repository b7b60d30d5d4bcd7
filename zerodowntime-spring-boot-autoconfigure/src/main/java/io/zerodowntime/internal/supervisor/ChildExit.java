package io.zerodowntime.internal.supervisor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A child of the supervisor that has exited, with the status a shell would report: its
 * exit code, or 128 plus the signal that killed it.
 *
 * @param pid the child's pid
 * @param status the exit status
 * @author zerodowntime
 */
record ChildExit(long pid, int status) {

	private static final int CLD_EXITED = 1;

	/**
	 * Decode the {@code siginfo_t} that {@code waitid} filled: {@code si_code} at offset
	 * 8, {@code si_pid} at 16 and {@code si_status} at 24 on 64-bit Linux.
	 * @param siginfo the structure
	 * @return the exit
	 */
	static ChildExit decode(byte[] siginfo) {
		ByteBuffer buffer = ByteBuffer.wrap(siginfo).order(ByteOrder.nativeOrder());
		int code = buffer.getInt(8);
		int pid = buffer.getInt(16);
		int status = buffer.getInt(24);
		return new ChildExit(pid, (code == CLD_EXITED) ? status : 128 + status);
	}

}
