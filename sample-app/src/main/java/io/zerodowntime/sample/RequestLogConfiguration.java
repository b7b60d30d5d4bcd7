package io.zerodowntime.sample;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A chatty application, when {@code sample.log-requests=true}: one numbered log line per
 * request, and at shutdown the number of lines it logged, so that tests can check that
 * none is missing from the log files.
 *
 * @author zerodowntime
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.log-requests")
class RequestLogConfiguration {

	@Bean
	RequestLogFilter requestLogFilter() {
		return new RequestLogFilter();
	}

	static final class RequestLogFilter extends OncePerRequestFilter {

		private static final Log logger = LogFactory.getLog(RequestLogFilter.class);

		private final AtomicLong lines = new AtomicLong();

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			logger.info("request line " + this.lines.incrementAndGet() + " " + request.getRequestURI() + " on port "
					+ request.getLocalPort());
			chain.doFilter(request, response);
		}

		// called by the servlet container and by Spring at shutdown: the last line counts
		@Override
		public void destroy() {
			logger.info("request lines logged: " + this.lines.get());
		}

	}

}
