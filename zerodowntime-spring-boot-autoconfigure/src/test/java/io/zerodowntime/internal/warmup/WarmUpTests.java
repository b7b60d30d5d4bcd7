package io.zerodowntime.internal.warmup;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WarmUp} on a real Spring Boot web server in this JVM: the requests reach
 * the application through a listener of its own, which is gone afterwards.
 */
class WarmUpTests {

	private final AnnotationConfigServletWebServerApplicationContext context = new AnnotationConfigServletWebServerApplicationContext(
			WebApplication.class);

	@AfterEach
	void close() {
		this.context.close();
	}

	@Test
	void aDurationKeepsTheRequestsGoingOnceTheCountIsReached() {
		long start = System.nanoTime();
		assertThat(new WarmUp(this.context, List.of("/ok"), List::of, 1, Duration.ofMillis(800), Duration.ofSeconds(20),
				true)
			.run()).isNull();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
		assertThat(this.context.getBean(RecordingServlet.class).seen).hasSizeGreaterThan(1);
	}

	@Test
	void requestsReachTheApplicationOnAPrivatePortThatIsClosedAfterwards() throws Exception {
		int mainPort = this.context.getWebServer().getPort();
		String notReady = new WarmUp(this.context, List.of("/ok", "/ok?second"), List::of, 12, Duration.ZERO,
				Duration.ofSeconds(20), true)
			.run();
		assertThat(notReady).isNull();
		List<Seen> seen = this.context.getBean(RecordingServlet.class).seen;
		assertThat(seen).hasSize(12);
		assertThat(seen).extracting(Seen::path).containsOnly("/ok", "/ok?second");
		assertThat(seen).extracting(Seen::warmUpHeader).containsOnly("true");
		int privatePort = seen.get(0).port();
		assertThat(seen).extracting(Seen::port).containsOnly(privatePort).doesNotContain(mainPort);
		Connector[] connectors = ((TomcatWebServer) this.context.getWebServer()).getTomcat()
			.getService()
			.findConnectors();
		assertThat(connectors).extracting(Connector::getLocalPort).containsExactly(mainPort);
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(privatePort));
	}

	@Test
	void failedRequestsKeepAGenerationFromTakingOverOnlyWhenRequired() {
		String notReady = new WarmUp(this.context, List.of("/fail"), List::of, 4, Duration.ZERO,
				Duration.ofSeconds(20), true)
			.run();
		assertThat(notReady).startsWith("warm-up incomplete").contains("4 failed").contains("GET /fail answered 500");
		WarmUp notRequired = new WarmUp(this.context, List.of("/fail"), List::of, 4, Duration.ZERO,
				Duration.ofSeconds(20), false);
		assertThat(notRequired.run()).isNull();
		assertThat(notRequired.note()).as("what the reload reports").startsWith("warm-up incomplete").contains("4 failed");
	}

	@Test
	void aCompleteWarmUpLeavesNoNote() {
		WarmUp warmUp = new WarmUp(this.context, List.of("/ok"), List::of, 4, Duration.ZERO, Duration.ofSeconds(20),
				false);
		assertThat(warmUp.run()).isNull();
		assertThat(warmUp.note()).isNull();
	}

	@Test
	void requestsNotSentInTimeKeepAGenerationFromTakingOverOnlyWhenRequired() {
		String notReady = new WarmUp(this.context, List.of("/ok?sleep"), List::of, 100, Duration.ZERO,
				Duration.ofMillis(500), true)
			.run();
		assertThat(notReady).startsWith("warm-up incomplete").containsPattern("[1-9]\\d* not sent within PT0.5S");
	}

	@Test
	void withoutPathsTheWarmUpAsksForOneNoApplicationServes() {
		assertThat(new WarmUp(this.context, List.of(), List::of, 5, Duration.ZERO, Duration.ofSeconds(20), true).run())
			.isNull();
		assertThat(this.context.getBean(RecordingServlet.class).seen).extracting(Seen::path)
			.containsOnly(WarmUp.DEFAULT_PATH);
	}

	@Test
	void requestsThePreviousGenerationServedAreReplayedAfterTheListedPaths() {
		assertThat(new WarmUp(this.context, List.of("/ok"), () -> List.of("/ok?replayed=1", "/ok?replayed=2"), 3,
				Duration.ZERO, Duration.ofSeconds(20), true)
			.run()).isNull();
		assertThat(this.context.getBean(RecordingServlet.class).seen).extracting(Seen::path)
			.containsExactlyInAnyOrder("/ok", "/ok?replayed=1", "/ok?replayed=2");
	}

	@Test
	void aListenerThatRequiresClientCertificatesIsNotWarmedUp() {
		Ssl ssl = new Ssl();
		ssl.setClientAuth(Ssl.ClientAuth.NEED);
		// read when the warm-up runs: as if the main listener had been made with it
		this.context.getBean(TomcatServletWebServerFactory.class).setSsl(ssl);
		assertThat(new WarmUp(this.context, List.of("/ok"), List::of, 4, Duration.ZERO, Duration.ofSeconds(20), true).run())
			.startsWith("warm-up skipped")
			.contains("server.ssl.client-auth=need");
		assertThat(this.context.getBean(RecordingServlet.class).seen).isEmpty();
	}

	private static void connect(int port) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.getInputStream();
		}
	}

	record Seen(String path, int port, String warmUpHeader) {

	}

	@Configuration(proxyBeanMethods = false)
	static class WebApplication {

		@Bean
		TomcatServletWebServerFactory tomcatFactory() {
			return new TomcatServletWebServerFactory(0);
		}

		@Bean
		RecordingServlet recordingServlet() {
			return new RecordingServlet();
		}

		@Bean
		ServletRegistrationBean<RecordingServlet> recordingServletRegistration(RecordingServlet servlet) {
			return new ServletRegistrationBean<>(servlet, "/*");
		}

	}

	static class RecordingServlet extends HttpServlet {

		final List<Seen> seen = new CopyOnWriteArrayList<>();

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String query = request.getQueryString();
			this.seen.add(new Seen(request.getRequestURI() + ((query != null) ? "?" + query : ""),
					request.getLocalPort(), request.getHeader(WarmUpRequests.HEADER)));
			if (request.getRequestURI().equals("/fail")) {
				response.sendError(500);
				return;
			}
			if ("sleep".equals(query)) {
				try {
					Thread.sleep(2000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			response.getWriter().write("ok");
		}

	}

}
