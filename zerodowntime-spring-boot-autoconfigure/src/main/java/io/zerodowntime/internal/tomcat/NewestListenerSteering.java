package io.zerodowntime.internal.tomcat;

import java.io.IOException;

import io.zerodowntime.internal.reload.ListeningSockets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.ClassUtils;

/**
 * Sends every new connection of a port shared with {@code SO_REUSEPORT} to the newer of
 * the two generations listening on it, instead of spreading them by hash.
 * <p>
 * Why: a generation that stops accepting closes its listener, and a SYN that the kernel
 * hashed to that listener as it closes is answered with a reset, even with
 * {@code net.ipv4.tcp_migrate_req=1} (which moves the connections already queued, not the
 * SYN in flight). Measured with two plain JDK listeners taking turns under 8 clients: 79
 * resets in 300 closes by hash, none once steered. Steered, the listener that closes has
 * been sent nothing since the next generation bound its own.
 * <p>
 * How: a classic BPF program attached to the port's reuseport group
 * ({@code SO_ATTACH_REUSEPORT_CBPF}) returns index 1. The kernel keeps a group's listeners
 * in the order they joined, and an index past the last falls back to the hash; so a lone
 * listener takes everything, and of two, the one bound second does. A reload has at most
 * two generations listening at once, and the old one closes its listener before a next
 * reload can start. The program is the group's, so every generation attaches the same one.
 *
 * @author zerodowntime
 */
final class NewestListenerSteering {

	private static final Log logger = LogFactory.getLog(NewestListenerSteering.class);

	private static final int SOL_SOCKET = 1;

	private static final int SO_ATTACH_REUSEPORT_CBPF = 51;

	/**
	 * {@code BPF_RET | BPF_K}: return the constant of the instruction.
	 */
	private static final short BPF_RETURN_CONSTANT = 0x06;

	/**
	 * The index of the newer of two listeners in their group.
	 */
	private static final int NEWER_LISTENER = 1;

	/**
	 * {@code struct sock_fprog} on 64-bit Linux: the instruction count, padding, then the
	 * pointer to the instructions.
	 */
	private static final int PROGRAM_SIZE = 16;

	/**
	 * One {@code struct sock_filter}: code, two jump offsets, the constant.
	 */
	private static final int INSTRUCTION_SIZE = 8;

	private NewestListenerSteering() {
	}

	/**
	 * Steer the new connections of the port to the newer of its two listeners: attached
	 * to every socket this process listens with on the port, since each address has a
	 * group of its own. A listener that cannot be steered still works, with connections
	 * spread by hash.
	 * @param port the port this process has just bound with {@code SO_REUSEPORT}
	 */
	static void steer(int port) {
		if (!ClassUtils.isPresent("jnr.ffi.LibraryLoader", NewestListenerSteering.class.getClassLoader())) {
			logger.info("New connections on port " + port + " are spread by hash between generations: steering "
					+ "them to the newer one needs jnr-ffi (com.github.jnr:jnr-posix brings it) on the class path");
			return;
		}
		try {
			for (int descriptor : new ListeningSockets().findDescriptors(port)) {
				int errno = Attach.attach(descriptor);
				if (errno != 0) {
					logger.warn(notSteered(port) + " (setsockopt failed with errno " + errno + ")");
				}
			}
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			logger.warn(notSteered(port), ex);
		}
	}

	private static String notSteered(int port) {
		return "Could not steer new connections on port " + port + " to the newer generation: they are spread by "
				+ "hash, and one that arrives as the old generation closes its listener may be reset";
	}

	/**
	 * The native half, in a class of its own so that jnr-ffi is loaded only where present.
	 */
	private static final class Attach {

		private static final LibC libc = LibraryLoader.create(LibC.class).load("c");

		/**
		 * Attach the program to the socket's group.
		 * @param descriptor the listening socket
		 * @return 0, or the errno of the failed call
		 */
		static int attach(int descriptor) {
			Runtime runtime = Runtime.getRuntime(libc);
			Pointer program = Memory.allocateDirect(runtime, PROGRAM_SIZE + INSTRUCTION_SIZE);
			long instruction = program.address() + PROGRAM_SIZE;
			program.putShort(0, (short) 1);
			program.putLong(8, instruction);
			program.putShort(PROGRAM_SIZE, BPF_RETURN_CONSTANT);
			program.putShort(PROGRAM_SIZE + 2, (short) 0);
			program.putInt(PROGRAM_SIZE + 4, NEWER_LISTENER);
			// the kernel copies the program: the memory may go once the call returns
			int result = libc.setsockopt(descriptor, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, program, PROGRAM_SIZE);
			return (result != 0) ? runtime.getLastError() : 0;
		}

	}

	/**
	 * The libc call the JDK does not offer.
	 */
	public interface LibC {

		@SaveError
		int setsockopt(int socket, int level, int option, @In Pointer value, int length);

	}

}
