package io.zerodowntime.internal.tomcat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 client connection, written by hand so that the test sees exactly what
 * the server sends (and when it sends nothing).
 */
final class RawHttp implements AutoCloseable {

	private final Socket socket = new Socket();

	RawHttp(int port, int readTimeoutMillis) throws IOException {
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		this.socket.setSoTimeout(readTimeoutMillis);
	}

	/**
	 * Send a GET without reading the answer.
	 */
	void send(String path) throws IOException {
		this.socket.getOutputStream()
			.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
	}

	Response get(String path) throws IOException {
		send(path);
		return read();
	}

	Response read() throws IOException {
		Response head = readHead();
		byte[] body = this.socket.getInputStream()
			.readNBytes(Integer.parseInt(head.headers().getOrDefault("content-length", "0")));
		return new Response(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
	}

	/**
	 * Read the status line and the headers of a response, not its body.
	 */
	Response readHead() throws IOException {
		InputStream in = this.socket.getInputStream();
		String status = line(in);
		Map<String, String> headers = new TreeMap<>();
		for (String header = line(in); !header.isEmpty(); header = line(in)) {
			int colon = header.indexOf(':');
			headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
		}
		return new Response(Integer.parseInt(status.split(" ")[1]), headers, "");
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("connection closed by the server");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	/**
	 * Wait for the server to close the connection, until the read timeout.
	 * @return whether it closed it (rather than sent something)
	 * @throws java.net.SocketTimeoutException if it did neither in time
	 */
	boolean awaitClosedByServer() throws IOException {
		return this.socket.getInputStream().read() < 0;
	}

	/**
	 * Read what the server sends until the text ends with the suffix.
	 * @throws java.net.SocketTimeoutException if it does not within the read timeout
	 */
	String readUntil(String suffix) throws IOException {
		InputStream in = this.socket.getInputStream();
		ByteArrayOutputStream text = new ByteArrayOutputStream();
		while (!text.toString(StandardCharsets.UTF_8).endsWith(suffix)) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("connection closed by the server after " + text);
			}
			text.write(b);
		}
		return text.toString(StandardCharsets.UTF_8);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	record Response(int status, Map<String, String> headers, String body) {

		boolean closesConnection() {
			return "close".equalsIgnoreCase(this.headers.get("connection"));
		}

	}

}
