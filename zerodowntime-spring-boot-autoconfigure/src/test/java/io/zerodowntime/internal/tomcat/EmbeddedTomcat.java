package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.zerodowntime.tomcat.HandoffHttp11NioProtocol;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A real Tomcat in this JVM whose connectors use {@link HandoffHttp11NioProtocol}: {@code /}
 * answers {@code ok}, {@code /hold} answers once {@link #release()} is called.
 */
final class EmbeddedTomcat implements AutoCloseable {

	private final Tomcat tomcat = new Tomcat();

	private final List<Connector> connectors = new ArrayList<>();

	private final CountDownLatch held = new CountDownLatch(1);

	private final CountDownLatch holding = new CountDownLatch(1);

	EmbeddedTomcat(Path baseDir) {
		this.tomcat.setBaseDir(baseDir.toString());
		this.tomcat.getHost().setAppBase(baseDir.toString());
	}

	Connector addConnector(int port) {
		Connector connector = new Connector(HandoffHttp11NioProtocol.class.getName());
		connector.setPort(port);
		if (this.connectors.isEmpty()) {
			this.tomcat.setConnector(connector);
		}
		else {
			this.tomcat.getService().addConnector(connector);
		}
		this.connectors.add(connector);
		return connector;
	}

	EmbeddedTomcat start() throws LifecycleException {
		Context context = this.tomcat.addContext("", null);
		Tomcat.addServlet(context, "ok", new HttpServlet() {

			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				response.getWriter().write("ok");
			}

		});
		Tomcat.addServlet(context, "hold", new HttpServlet() {

			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				EmbeddedTomcat.this.holding.countDown();
				try {
					EmbeddedTomcat.this.held.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				response.getWriter().write("released");
			}

		});
		Wrapper stream = Tomcat.addServlet(context, "stream", new HttpServlet() {

			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				// a stream that never ends by itself, ended at its timeout as Spring MVC does
				AsyncContext async = request.startAsync();
				async.setTimeout(0);
				async.addListener(new AsyncListener() {

					@Override
					public void onTimeout(AsyncEvent event) {
						event.getAsyncContext().complete();
					}

					@Override
					public void onComplete(AsyncEvent event) {
					}

					@Override
					public void onError(AsyncEvent event) {
					}

					@Override
					public void onStartAsync(AsyncEvent event) {
					}

				});
				response.getWriter().write("first");
				response.flushBuffer();
			}

		});
		stream.setAsyncSupported(true);
		context.addServletMappingDecoded("/", "ok");
		context.addServletMappingDecoded("/stream", "stream");
		context.addServletMappingDecoded("/hold", "hold");
		this.tomcat.start();
		return this;
	}

	void awaitHolding() throws InterruptedException {
		if (!this.holding.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("no request reached /hold");
		}
	}

	void release() {
		this.held.countDown();
	}

	static HandoffNioEndpoint endpoint(Connector connector) {
		return ((HandoffHttp11NioProtocol) connector.getProtocolHandler()).getHandoffEndpoint();
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Bind a plain socket (no {@code SO_REUSEPORT}) on a port, once the listener that had
	 * it is really gone: a channel closed while its acceptor is blocked in accept() is
	 * released when that thread returns.
	 */
	static ServerSocket squat(int port) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				return new ServerSocket(port);
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(20);
			}
		}
	}

	@Override
	public void close() throws LifecycleException {
		release();
		this.tomcat.stop();
		this.tomcat.destroy();
	}

}
