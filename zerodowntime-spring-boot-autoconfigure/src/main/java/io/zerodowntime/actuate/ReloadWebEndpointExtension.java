package io.zerodowntime.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.zerodowntime.reload.ReloadConflictException;
import io.zerodowntime.reload.ReloadRefusedException;
import io.zerodowntime.reload.ReloadTicket;

import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Web extension of the {@link ReloadEndpoint}: an accepted reload answers {@code 202},
 * a reload already under way {@code 409}, and one that cannot start {@code 503}, each with
 * a body that says why.
 *
 * @author zerodowntime
 */
@EndpointWebExtension(endpoint = ReloadEndpoint.class)
public class ReloadWebEndpointExtension {

	private static final int HTTP_ACCEPTED = 202;

	private static final int HTTP_CONFLICT = 409;

	private final ReloadEndpoint delegate;

	public ReloadWebEndpointExtension(ReloadEndpoint delegate) {
		this.delegate = delegate;
	}

	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> reload() {
		try {
			ReloadTicket ticket = this.delegate.reload();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("id", ticket.id());
			body.put("childPid", ticket.childPid());
			body.put("state", this.delegate.status().state());
			return new WebEndpointResponse<>(body, HTTP_ACCEPTED);
		}
		catch (ReloadConflictException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage(), "state", ex.getState()),
					HTTP_CONFLICT);
		}
		catch (ReloadRefusedException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

}
