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
		InputStream in = this.socket.getInputStream();
		String status = line(in);
		Map<String, String> headers = new TreeMap<>();
		for (String header = line(in); !header.isEmpty(); header = line(in)) {
			int colon = header.indexOf(':');
			headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
		}
		byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
		return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
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
