package io.zerodowntime.reload;

import java.io.IOException;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The child's end of the control channel: reports to the parent that this generation is
 * healthy, waits for the acknowledgement, opens the listeners and confirms that it serves.
 * Until the acknowledgement arrives this generation serves nobody, so a child that the
 * parent rolls back has failed no request.
 *
 * @author zerodowntime
 */
public final class ParentHandshake {

	private static final Log logger = LogFactory.getLog(ParentHandshake.class);

	private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

	private final Generation generation;

	public ParentHandshake(Generation generation) {
		if (!generation.isChild()) {
			throw new IllegalArgumentException(generation + " has no parent to report to");
		}
		this.generation = generation;
	}

	/**
	 * Report readiness and, once the parent acknowledges it, take over.
	 * @param openListeners opens this generation's listeners; it throws if it cannot
	 * @return whether this generation took over; {@code false} means the parent refused and
	 * this process must stop
	 * @throws IOException if the control channel fails before the parent answered
	 */
	public boolean reportReady(Runnable openListeners) throws IOException {
		try (ControlConnection connection = ControlConnection.connect(this.generation.controlSocket())) {
			connection.writeLine("READY " + this.generation.pid() + " " + this.generation.token());
			String answer = connection.readLine(ACK_TIMEOUT);
			if (!"ACK".equals(answer)) {
				logger.error("Parent pid " + this.generation.parentPid() + " did not acknowledge readiness (answer: "
						+ answer + "); this generation stops");
				return false;
			}
			try {
				openListeners.run();
			}
			catch (RuntimeException ex) {
				connection.writeLine("FAILED " + oneLine(ex.toString()));
				throw ex;
			}
			connection.writeLine("SERVING");
			return true;
		}
	}

	/**
	 * Tell the parent that this generation started but is not healthy, so that it rolls
	 * back at once instead of waiting for the startup timeout.
	 * @param details the health status and details
	 */
	public void reportUnhealthy(String details) {
		try (ControlConnection connection = ControlConnection.connect(this.generation.controlSocket())) {
			connection.writeLine("UNHEALTHY " + this.generation.pid() + " " + this.generation.token() + " "
					+ oneLine(details));
			connection.readLine(Duration.ofSeconds(5));
		}
		catch (IOException ex) {
			logger.warn("Could not report unhealthy state to parent pid " + this.generation.parentPid() + ": " + ex);
		}
	}

	static String oneLine(String text) {
		String flat = text.replace('\n', ' ').replace('\r', ' ');
		return (flat.length() > 2000) ? flat.substring(0, 2000) + "..." : flat;
	}

}
