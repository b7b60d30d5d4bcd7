package io.zerodowntime.internal.warmup;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Notes each request this generation serves in {@link RecentRequests}, after it has been
 * answered, unless its path matches an exclusion or it is itself a warm-up request.
 *
 * @author zerodowntime
 */
public class RecentRequestsFilter extends OncePerRequestFilter {

	private final AntPathMatcher matcher = new AntPathMatcher();

	private final RecentRequests recent;

	private final List<String> excluded;

	/**
	 * Create a new instance.
	 * @param recent where to note requests
	 * @param excluded path patterns (Ant style, within the context path) never noted
	 */
	public RecentRequestsFilter(RecentRequests recent, List<String> excluded) {
		this.recent = recent;
		this.excluded = List.copyOf(excluded);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(request, response);
		if (request.isAsyncStarted() || request.getHeader(WarmUpRequests.HEADER) != null) {
			// a stream or a long poll is no warm-up; a warm-up request is not the traffic
			return;
		}
		String uri = request.getRequestURI();
		String path = uri.substring(Math.min(uri.length(), request.getContextPath().length()));
		for (String pattern : this.excluded) {
			if (this.matcher.match(pattern, path)) {
				return;
			}
		}
		// as a client sends it, the context path included, as the warm-up sends its paths
		this.recent.record(request.getMethod(), uri, request.getQueryString(), response.getStatus());
	}

}
