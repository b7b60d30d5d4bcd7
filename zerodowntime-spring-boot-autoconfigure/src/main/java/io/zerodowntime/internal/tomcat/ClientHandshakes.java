package io.zerodowntime.internal.tomcat;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * How many TLS handshakes each client address has in progress on an endpoint. A client
 * that finds no usable connection after a takeover may open one per waiting request (seen:
 * OkHttp, about nine each); counted per address, the second of them waits until every
 * other client's first has had its turn, so that one greedy client does not hold all the
 * others back. Clients behind one proxy or NAT share an address, and then a turn.
 *
 * @author zerodowntime
 */
final class ClientHandshakes {

	private final ConcurrentHashMap<InetAddress, Integer> inProgress = new ConcurrentHashMap<>();

	/**
	 * Count a handshake that starts.
	 * @param client the client's address, or {@code null} if unknown (not counted)
	 * @return how many handshakes the address had in progress before this one: its round
	 */
	int start(@Nullable InetAddress client) {
		if (client == null) {
			return 0;
		}
		return this.inProgress.merge(client, 1, Integer::sum) - 1;
	}

	/**
	 * Count a handshake that has ended, complete or not.
	 * @param client the address given to {@link #start(InetAddress)}
	 */
	void end(@Nullable InetAddress client) {
		if (client != null) {
			this.inProgress.computeIfPresent(client, (address, count) -> (count > 1) ? count - 1 : null);
		}
	}

	int inProgress(InetAddress client) {
		return this.inProgress.getOrDefault(client, 0);
	}

}
