package io.zerodowntime.reload;

/**
 * How the parent and the child share the listening port during a reload.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public enum HandoffMode {

	/**
	 * The child inherits the parent's listening socket on file descriptor 0: one socket,
	 * one accept queue, so no queued connection is ever reset. The default.
	 */
	INHERIT,

	/**
	 * Each generation binds its own socket with {@code SO_REUSEPORT}. Connections still
	 * queued in the old generation's socket when it closes are reset unless the kernel has
	 * {@code net.ipv4.tcp_migrate_req=1}.
	 */
	REUSEPORT

}
