package io.zerodowntime.internal.systemd;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ReloadReport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells systemd ({@code Type=notify}) what the reloads do: {@code READY=1} when
 * generation 0 serves; {@code RELOADING=1} with {@code MONOTONIC_USEC} when a reload
 * starts; from the new generation, once it has taken over, {@code MAINPID} and
 * {@code READY=1}, so that systemd follows the new main process instead of stopping the
 * service when the old one exits (this needs {@code NotifyAccess=all}); after a rollback
 * the old generation names itself the main process again and is {@code READY=1}. Each
 * message about a reload also carries {@code X_ZERODOWNTIME_RELOAD} (systemd ignores
 * {@code X_} fields), the outcome a supervisor waits for: {@code started}, {@code succeeded},
 * {@code failed} or {@code refused}.
 *
 * @author zerodowntime
 */
public class SystemdNotifier implements ReloadListener {

	/**
	 * The field that tells a supervisor how a reload went.
	 */
	public static final String OUTCOME = "X_ZERODOWNTIME_RELOAD=";

	private static final Log logger = LogFactory.getLog(SystemdNotifier.class);

	private final NotifySocket socket;

	private final long pid = ProcessHandle.current().pid();

	public SystemdNotifier(NotifySocket socket) {
		this.socket = socket;
	}

	@Override
	public void serving(Generation generation) {
		if (generation.isChild()) {
			send("MAINPID=" + this.pid + "\nREADY=1\nSTATUS=Serving as generation " + generation.number());
		}
		else {
			send("READY=1\nSTATUS=Serving as generation 0");
		}
	}

	@Override
	public void started(ReloadReport report) {
		// System.nanoTime() is CLOCK_MONOTONIC on Linux, the clock systemd expects
		send("RELOADING=1\nMONOTONIC_USEC=" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime())
				+ "\nSTATUS=Reloading: child pid " + report.childPid() + " is starting\n" + OUTCOME + "started "
				+ report.id());
	}

	@Override
	public void failed(ReloadReport report) {
		send("MAINPID=" + this.pid + "\nREADY=1\nSTATUS=Reload " + report.id() + " failed: " + report.reason() + "\n"
				+ OUTCOME + "failed " + report.id());
	}

	@Override
	public void succeeded(ReloadReport report) {
		send("STATUS=Handed over to pid " + report.childPid() + "; draining\n" + OUTCOME + "succeeded " + report.id());
	}

	@Override
	public void rejected(String trigger, String reason) {
		send("STATUS=Reload refused: " + reason + "\n" + OUTCOME + "refused");
	}

	private void send(String message) {
		try {
			this.socket.send(message + "\n");
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not notify systemd at " + this.socket + " (NOTIFY_SOCKET): " + ex.getMessage());
		}
	}

}
