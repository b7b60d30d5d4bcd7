package io.zerodowntime.harness;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocket;

/**
 * A minimal HTTP/1.1 client on a plain socket that never retries: every failure surfaces
 * to the caller. Used by the load generator and for one-off requests.
 */
public final class HttpExchange {

	public static final int CONNECT_TIMEOUT_MS = 5_000;

	public static final int READ_TIMEOUT_MS = 60_000;

	/**
	 * Ports that speak TLS (with a self-signed certificate that the client trusts blindly).
	 */
	private static final Set<Integer> TLS_PORTS = ConcurrentHashMap.newKeySet();

	private HttpExchange() {
	}

	/**
	 * Speak TLS to the port until {@link #plainHttp(int)}.
	 */
	public static void tls(int port) {
		TLS_PORTS.add(port);
	}

	public static void plainHttp(int port) {
		TLS_PORTS.remove(port);
	}

	public static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.setSoTimeout(READ_TIMEOUT_MS);
		socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
		if (!TLS_PORTS.contains(port)) {
			return socket;
		}
		SSLSocket tls = (SSLSocket) TrustAll.CONTEXT.getSocketFactory().createSocket(socket, "127.0.0.1", port, true);
		tls.startHandshake();
		return tls;
	}

	/**
	 * One request on a new connection.
	 */
	public static Response send(int port, String method, String path) throws IOException {
		try (Socket socket = connect(port)) {
			return send(socket, method, path, false);
		}
	}

	/**
	 * One request on a new connection that may take longer than the usual read timeout.
	 */
	public static Response sendSlow(int port, String method, String path, Duration readTimeout) throws IOException {
		try (Socket socket = connect(port)) {
			socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
			return send(socket, method, path, false);
		}
	}

	/**
	 * One request on an open connection.
	 */
	public static Response send(Socket socket, String method, String path, boolean keepAlive) throws IOException {
		String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ (keepAlive ? "" : "Connection: close\r\n") + (method.equals("POST") ? "Content-Length: 0\r\n" : "")
				+ "\r\n";
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return read(socket.getInputStream());
	}

	private static Response read(InputStream in) throws IOException {
		String statusLine = readLine(in);
		String[] status = statusLine.split(" ", 3);
		if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
			throw new IOException("malformed status line: " + statusLine);
		}
		int code = Integer.parseInt(status[1]);
		long contentLength = -1;
		boolean chunked = false;
		boolean close = false;
		for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
			int colon = header.indexOf(':');
			String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
			switch (name) {
				case "content-length" -> contentLength = Long.parseLong(value);
				case "transfer-encoding" -> chunked = value.contains("chunked");
				case "connection" -> close = value.contains("close");
				default -> {
				}
			}
		}
		byte[] body;
		if (chunked) {
			body = readChunked(in);
		}
		else if (contentLength >= 0) {
			body = in.readNBytes((int) contentLength);
			if (body.length < contentLength) {
				throw new EOFException("body truncated");
			}
		}
		else {
			body = in.readAllBytes();
			close = true;
		}
		return new Response(code, new String(body, StandardCharsets.UTF_8), close);
	}

	private static byte[] readChunked(InputStream in) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = readLine(in);
			int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
			if (size == 0) {
				while (!readLine(in).isEmpty()) {
					// trailers
				}
				return body.toByteArray();
			}
			byte[] chunk = in.readNBytes(size);
			if (chunk.length < size) {
				throw new EOFException("chunk truncated");
			}
			body.write(chunk);
			readLine(in);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("connection closed" + (line.isEmpty() ? "" : " mid-line"));
			}
			if (b == '\n') {
				int length = line.length();
				return (length > 0 && line.charAt(length - 1) == '\r') ? line.substring(0, length - 1) : line.toString();
			}
			line.append((char) b);
		}
	}

	/**
	 * The pid named in one of the sample's answers ({@code pid=<n>}: a body, a WebSocket
	 * echo, an event's data).
	 * @return the pid, or -1 if the text names none
	 */
	public static long servedBy(String text) {
		int start = text.indexOf("pid=");
		if (start < 0) {
			return -1;
		}
		int end = start + 4;
		while (end < text.length() && Character.isDigit(text.charAt(end))) {
			end++;
		}
		return Long.parseLong(text.substring(start + 4, end));
	}

	public record Response(int status, String body, boolean connectionClose) {

		/**
		 * The pid that served the request, from the sample's {@code pid=<n>} answer.
		 */
		public long servedBy() {
			return HttpExchange.servedBy(this.body);
		}

	}

}
