package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntSupplier;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Starts the next generation with this process's listening socket on its file
 * descriptor 0, where the child's JDK finds it as {@link System#inheritedChannel()}.
 * {@link ProcessBuilder} passes descriptors 0, 1 and 2 and closes every other one in the
 * child, so the listener goes across and nothing else does. When the listener is not
 * already descriptor 0 (generation 0 bound it itself), it is duplicated onto 0 for the
 * spawn and the original descriptor 0 is put back right after.
 *
 * @author zerodowntime
 */
public class InheritingChildLauncher extends ChildLauncher {

	private static final int STDIN = 0;

	private static final Object SPAWN_MONITOR = new Object();

	private final POSIX posix;

	private final IntSupplier listenerPort;

	private final ListeningSockets listeningSockets;

	/**
	 * Create a new instance.
	 * @param listenerPort supplies the port of the listener to hand on
	 */
	public InheritingChildLauncher(IntSupplier listenerPort) {
		this(listenerPort, new ListeningSockets());
	}

	InheritingChildLauncher(IntSupplier listenerPort, ListeningSockets listeningSockets) {
		this.listenerPort = listenerPort;
		this.listeningSockets = listeningSockets;
		// loading the native library costs about a second: pay it at startup, not in a
		// reload
		this.posix = POSIXFactory.getNativePOSIX();
		this.posix.getpid();
	}

	@Override
	public Process launch(ReexecCommand command, Map<String, String> environment) throws IOException {
		int port = this.listenerPort.getAsInt();
		OptionalInt descriptor = this.listeningSockets.findDescriptor(port);
		if (descriptor.isEmpty()) {
			throw new IOException("no listening socket on port " + port + " found in /proc/self/fd");
		}
		int listener = descriptor.getAsInt();
		if (listener == STDIN) {
			return super.launch(command, environment);
		}
		synchronized (SPAWN_MONITOR) {
			int savedStdin = this.posix.dup(STDIN);
			if (this.posix.dup2(listener, STDIN) < 0) {
				closeQuietly(savedStdin);
				throw new IOException("dup2 of the listener onto descriptor 0 failed: errno " + this.posix.errno());
			}
			try {
				return super.launch(command, environment);
			}
			finally {
				restoreStdin(savedStdin);
			}
		}
	}

	private void restoreStdin(int savedStdin) {
		if (savedStdin >= 0) {
			this.posix.dup2(savedStdin, STDIN);
			this.posix.close(savedStdin);
		}
		else {
			// descriptor 0 was closed before the spawn: close it again
			this.posix.close(STDIN);
		}
	}

	private void closeQuietly(int descriptor) {
		if (descriptor >= 0) {
			this.posix.close(descriptor);
		}
	}

}
