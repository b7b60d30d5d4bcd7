package io.zerodowntime.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import javax.net.SocketFactory;

import io.zerodowntime.harness.TrustAll;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * HTTP/2 clients no one on this project wrote, over TLS ({@code h2}, by ALPN) or in clear
 * text ({@code h2c}): OkHttp, which resends the streams a GOAWAY says were not processed,
 * and the JDK's {@link HttpClient}. Each instance has a connection pool of its own, so each
 * is one HTTP/2 connection. They trust any certificate: the tests talk to a self-signed
 * loopback server only.
 */
final class Http2Clients {

	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * How an answer over HTTP/2 names its protocol, whichever client got it.
	 */
	static final String HTTP_2 = "HTTP/2";

	private Http2Clients() {
	}

	/**
	 * The address OkHttp clients connect from; the JDK's connect from {@code 127.0.0.1}.
	 */
	static final InetAddress OKHTTP_ADDRESS = address("127.0.0.2");

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An OkHttp client of one connection to the port.
	 * @param tls whether to speak {@code h2} over TLS rather than {@code h2c} with prior
	 * knowledge
	 */
	static StreamLoad.Client okHttp(int port, boolean tls) {
		OkHttpClient.Builder builder = new OkHttpClient.Builder().connectionPool(new ConnectionPool())
			.dispatcher(new Dispatcher())
			// another client than the JDK's, on another host as it were
			.socketFactory(new LocalAddressSocketFactory(OKHTTP_ADDRESS))
			// connect on the calling thread, which may be in the test's network namespace
			.fastFallback(false)
			// the JDK client's bound, also on the TLS handshake: 200 of them on a cold generation 0
			// (C1 only, two cores shared with the clients) took over OkHttp's default 10 s once
			.readTimeout(REQUEST_TIMEOUT)
			.callTimeout(REQUEST_TIMEOUT);
		if (tls) {
			builder.sslSocketFactory(TrustAll.CONTEXT.getSocketFactory(), TrustAll.MANAGER)
				.hostnameVerifier((host, session) -> true)
				.protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
		}
		else {
			builder.protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
		}
		OkHttpClient client = builder.build();
		String base = (tls ? "https" : "http") + "://127.0.0.1:" + port;
		return new StreamLoad.Client() {

			@Override
			public StreamLoad.Answer get(String path) throws Exception {
				try (Response response = client.newCall(new Request.Builder().url(base + path).build()).execute()) {
					// a connection-specific header is malformed in HTTP/2 (RFC 9113, 8.2.2)
					String connection = response.header("Connection");
					String protocol = http2(response.protocol()) + ((connection != null) ? " with Connection: " + connection : "");
					return new StreamLoad.Answer(response.code(), protocol, response.body().string());
				}
			}

			@Override
			public void close() {
				client.dispatcher().executorService().shutdown();
				client.connectionPool().evictAll();
			}

		};
	}

	/**
	 * A JDK {@link HttpClient} of one connection to the port, asking for HTTP/2: by ALPN
	 * over TLS, by an {@code h2c} upgrade in clear text.
	 * @param threads where the client's threads run (its connections are opened on them)
	 */
	static StreamLoad.Client jdk(int port, boolean tls, ThreadFactory threads) {
		ExecutorService executor = Executors.newCachedThreadPool(threads);
		HttpClient.Builder builder = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.executor(executor)
			.connectTimeout(REQUEST_TIMEOUT);
		if (tls) {
			builder.sslContext(TrustAll.CONTEXT);
		}
		HttpClient client = builder.build();
		String base = (tls ? "https" : "http") + "://127.0.0.1:" + port;
		return new StreamLoad.Client() {

			@Override
			public StreamLoad.Answer get(String path) throws Exception {
				HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).build();
				HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
				return new StreamLoad.Answer(response.statusCode(),
						(response.version() == HttpClient.Version.HTTP_2) ? HTTP_2 : response.version().toString(),
						response.body());
			}

			@Override
			public void close() throws InterruptedException {
				executor.shutdownNow();
				executor.awaitTermination(10, TimeUnit.SECONDS);
			}

		};
	}

	/**
	 * Plain sockets bound to one local address before they connect.
	 */
	private static final class LocalAddressSocketFactory extends SocketFactory {

		private final InetAddress local;

		LocalAddressSocketFactory(InetAddress local) {
			this.local = local;
		}

		@Override
		public Socket createSocket() throws IOException {
			Socket socket = new Socket();
			socket.bind(new InetSocketAddress(this.local, 0));
			return socket;
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return new Socket(host, port, this.local, 0);
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return new Socket(host, port, localHost, localPort);
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return new Socket(host, port, this.local, 0);
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return new Socket(address, port, localAddress, localPort);
		}

	}

	private static String http2(Protocol protocol) {
		return (protocol == Protocol.HTTP_2 || protocol == Protocol.H2_PRIOR_KNOWLEDGE) ? HTTP_2 : protocol.toString();
	}

}
