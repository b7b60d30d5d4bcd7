package io.zerodowntime.actuate;

import io.zerodowntime.reload.ReloadStatus;
import io.zerodowntime.reload.ReloadTicket;
import io.zerodowntime.reload.Reloader;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} that shows the reload state of this generation and triggers
 * a reload. Like {@code shutdown}, it is off unless access is granted. The reload runs off
 * the request thread: the write operation answers as soon as the child is spawned.
 *
 * @author zerodowntime
 */
@Endpoint(id = "reload", defaultAccess = Access.NONE)
public class ReloadEndpoint {

	private final Reloader reloader;

	public ReloadEndpoint(Reloader reloader) {
		this.reloader = reloader;
	}

	@ReadOperation
	public ReloadStatus status() {
		return this.reloader.status();
	}

	/**
	 * Start a reload.
	 * @return the reload's id and the child's pid
	 * @throws io.zerodowntime.reload.ReloadConflictException if a reload is under way
	 * @throws io.zerodowntime.reload.ReloadRefusedException if the reload cannot start
	 */
	@WriteOperation
	public ReloadTicket reload() {
		return this.reloader.trigger("endpoint");
	}

}
