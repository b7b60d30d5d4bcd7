package io.zerodowntime.internal.warmup;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecentRequests} and {@link RecentRequestsFilter}: what is kept to be
 * replayed, and what never is.
 */
class RecentRequestsTests {

	private final RecentRequests recent = new RecentRequests(4);

	private final RecentRequestsFilter filter = new RecentRequestsFilter(this.recent, List.of("/actuator/**"));

	@Test
	void keepsThePathAndQueryOfSuccessfulSafeRequestsOnly() throws Exception {
		serve(get("/items", "page=2"), 200);
		MockHttpServletRequest withSecrets = get("/items/7", null);
		withSecrets.addHeader("Authorization", "Bearer secret-token");
		withSecrets.addHeader("Cookie", "SESSION=secret-session");
		withSecrets.setContent("secret-body".getBytes());
		serve(withSecrets, 200);
		MockHttpServletRequest post = new MockHttpServletRequest("POST", "/orders");
		post.setContent("{\"secret\":1}".getBytes());
		serve(post, 201);
		serve(get("/missing", null), 404);
		serve(get("/broken", null), 500);
		serve(new MockHttpServletRequest("HEAD", "/ping"), 200);
		assertThat(this.recent.snapshot()).containsExactly("/ping", "/items/7", "/items?page=2");
		assertThat(String.join("\n", this.recent.snapshot())).doesNotContain("secret");
	}

	@Test
	void leavesOutExcludedPathsAndWarmUpRequests() throws Exception {
		serve(get("/actuator/health", null), 200);
		MockHttpServletRequest warmUp = get("/items", null);
		warmUp.addHeader(WarmUpRequests.HEADER, "true");
		serve(warmUp, 200);
		assertThat(this.recent.snapshot()).isEmpty();
	}

	@Test
	void excludesWithinTheContextPathAndKeepsWhatTheClientSent() throws Exception {
		MockHttpServletRequest health = get("/api/actuator/health", null);
		health.setContextPath("/api");
		serve(health, 200);
		MockHttpServletRequest item = get("/api/items", null);
		item.setContextPath("/api");
		serve(item, 200);
		assertThat(this.recent.snapshot()).containsExactly("/api/items");
	}

	@Test
	void keepsTheLastRequestsOnceEach() throws Exception {
		for (String path : List.of("/a", "/b", "/a", "/c", "/d", "/e", "/d")) {
			serve(get(path, null), 200);
		}
		// the ring holds the last four: /d /e /c... in order of recency, each once
		assertThat(this.recent.snapshot()).containsExactly("/d", "/e", "/c");
	}

	@Test
	void neverKeepsALineBreak() {
		this.recent.record("GET", "/a", "x=1\r\nX-Injected: 1", 200);
		assertThat(this.recent.snapshot()).isEmpty();
	}

	private static MockHttpServletRequest get(String uri, String query) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
		request.setQueryString(query);
		return request;
	}

	private void serve(MockHttpServletRequest request, int status) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, new MockFilterChain() {

			@Override
			public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res) {
				((MockHttpServletResponse) res).setStatus(status);
			}

		});
	}

}
