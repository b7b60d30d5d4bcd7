package io.zerodowntime.reload;

/**
 * How the parent and the child share the listening port during a reload.
 *
 * @author zerodowntime
 */
public enum HandoffMode {

	/**
	 * Each generation binds its own socket with {@code SO_REUSEPORT}. Connections still
	 * queued in the old generation's socket when it closes are reset unless the kernel has
	 * {@code net.ipv4.tcp_migrate_req=1}.
	 */
	REUSEPORT

}
