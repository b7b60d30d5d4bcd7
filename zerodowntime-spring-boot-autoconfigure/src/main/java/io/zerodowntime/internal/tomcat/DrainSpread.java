package io.zerodowntime.internal.tomcat;

import java.time.Duration;

/**
 * When a drain tells its HTTP/2 connections and WebSocket sessions to go: the first at
 * once, the others evenly over the spread, so that their clients reach the new generation
 * one after another instead of all in the same instant (as HAProxy spreads the closing of
 * connections at a soft stop).
 *
 * @author zerodowntime
 */
final class DrainSpread {

	private final long spreadNanos;

	DrainSpread(Duration spread) {
		this.spreadNanos = spread.toNanos();
	}

	/**
	 * How many connections may have been told by now.
	 * @param total the connections open when accepting stopped
	 * @param sinceStopped how long ago accepting stopped, in nanoseconds
	 * @return how many may have been told; every one once the spread has passed
	 */
	long due(int total, long sinceStopped) {
		if (this.spreadNanos <= 0 || sinceStopped >= this.spreadNanos) {
			return Long.MAX_VALUE;
		}
		return 1 + (long) ((double) total * Math.max(0, sinceStopped) / this.spreadNanos);
	}

}
