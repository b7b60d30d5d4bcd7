package io.zerodowntime.internal.warmup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * The most recent requests a generation served that are safe to replay in its successor's
 * warm-up: {@code GET} and {@code HEAD} that succeeded, kept as their path and query only,
 * never a header, a cookie or a body. Bounded: a ring of the last so many, written without
 * a lock on the request path.
 *
 * @author zerodowntime
 */
public final class RecentRequests {

	private final AtomicReferenceArray<String> ring;

	private final AtomicLong written = new AtomicLong();

	/**
	 * Create a ring of the given size.
	 * @param size how many requests to keep
	 */
	public RecentRequests(int size) {
		this.ring = new AtomicReferenceArray<>(size);
	}

	/**
	 * Keep a request if it is one to replay.
	 * @param method its method
	 * @param path its path, as the client sent it (still encoded)
	 * @param query its query string, or {@code null}
	 * @param status the status it was answered with
	 */
	void record(String method, String path, @Nullable String query, int status) {
		if (!isReplayable(method, path, status)) {
			return;
		}
		String request = (query != null && !query.isEmpty()) ? path + "?" + query : path;
		if (request.indexOf('\r') >= 0 || request.indexOf('\n') >= 0) {
			// one request per line in the list the successor reads
			return;
		}
		int slot = (int) (this.written.getAndIncrement() % this.ring.length());
		this.ring.set(slot, request);
	}

	private static boolean isReplayable(String method, String path, int status) {
		return ("GET".equals(method) || "HEAD".equals(method)) && status >= 200 && status < 400
				&& path.startsWith("/");
	}

	/**
	 * Return the requests kept, most recent first, each once.
	 * @return the requests
	 */
	public List<String> snapshot() {
		long end = this.written.get();
		int size = this.ring.length();
		Set<String> distinct = new LinkedHashSet<>();
		for (long i = end - 1; i >= Math.max(0, end - size); i--) {
			String request = this.ring.get((int) (i % size));
			if (request != null) {
				distinct.add(request);
			}
		}
		return new ArrayList<>(distinct);
	}

}
