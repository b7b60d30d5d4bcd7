package io.zerodowntime.sample;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.SampleProcesses;

/**
 * nginx (the Debian package) in the foreground, as a reverse proxy in front of the sample
 * with a pool of idle keep-alive connections to it: the common production setup whose idle
 * upstream connections a drain must close without failing a request.
 */
final class Nginx implements AutoCloseable {

	private final Process process;

	private final Path directory;

	private Nginx(Process process, Path directory) {
		this.process = process;
		this.directory = directory;
	}

	/**
	 * Start nginx on the port, proxying to the upstream port, and wait until it listens.
	 */
	static Nginx start(Path directory, int port, int upstreamPort) throws Exception {
		Files.createDirectories(directory);
		Path config = directory.resolve("nginx.conf");
		Files.writeString(config, """
				worker_processes 1;
				error_log %1$s/error.log warn;
				pid %1$s/nginx.pid;
				events { worker_connections 256; }
				http {
				    access_log off;
				    upstream sample {
				        server 127.0.0.1:%3$d;
				        keepalive 8;
				    }
				    server {
				        listen 127.0.0.1:%2$d;
				        location / {
				            proxy_pass http://sample;
				            proxy_http_version 1.1;
				            proxy_set_header Connection "";
				        }
				    }
				}
				""".formatted(directory, port, upstreamPort));
		Process process = new ProcessBuilder(List.of("nginx", "-p", directory.toString(), "-c", config.toString(),
				"-e", directory.resolve("error.log").toString(), "-g", "daemon off;"))
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("nginx.out").toFile())
			.start();
		Nginx nginx = new Nginx(process, directory);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return nginx;
			}
			catch (IOException ex) {
				if (!process.isAlive()) {
					break;
				}
				Thread.sleep(50);
			}
		}
		nginx.close();
		throw new IllegalStateException("nginx did not start: " + nginx.errorLog());
	}

	String errorLog() throws IOException {
		Path log = this.directory.resolve("error.log");
		return Files.exists(log) ? Files.readString(log) : "";
	}

	@Override
	public void close() throws Exception {
		if (this.process.isAlive()) {
			// QUIT: a graceful stop of the master and its workers
			SampleProcesses.signal(this.process.pid(), "QUIT");
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				SampleProcesses.signal(this.process.pid(), "KILL");
			}
		}
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
		for (long pid : SampleProcesses.childrenOf(this.process.pid())) {
			SampleProcesses.signal(pid, "KILL");
		}
	}

}
