package io.zerodowntime.internal.tomcat;

/**
 * Whether a {@link HandoffNioEndpoint} takes new connections.
 *
 * <pre>
 * GATED ─openListener→ ACCEPTING ─stopAccepting→ STOPPED ─resumeAccepting→ ACCEPTING
 * </pre>
 *
 * @author zerodowntime
 */
public enum AcceptState {

	/**
	 * A child waiting for its parent's acknowledgement: the acceptor waits and calls no
	 * accept(); a reuseport listener is not bound yet.
	 */
	GATED,

	/**
	 * New connections are accepted.
	 */
	ACCEPTING,

	/**
	 * This generation has handed over: no new connection is accepted, the open ones are
	 * served until they close.
	 */
	STOPPED

}
