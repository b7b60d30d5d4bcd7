package io.zerodowntime.reload;

/**
 * What the old generation does with long-lived exchanges (WebSocket sessions, streaming
 * responses such as server-sent events) when it starts to drain.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public enum LongLivedDrain {

	/**
	 * End them as the drain starts, the way the server itself ends them when it stops: a
	 * WebSocket session is closed with status 1001 (Going Away), a streaming response is
	 * completed (its body ends normally). Clients reconnect, to the new generation. The
	 * default.
	 */
	END,

	/**
	 * Leave them open: they end when the application ends them, or when the drain timeout
	 * cuts them off.
	 */
	KEEP

}
