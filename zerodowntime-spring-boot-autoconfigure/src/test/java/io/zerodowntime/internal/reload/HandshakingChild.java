package io.zerodowntime.internal.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.zerodowntime.reload.Generation;

/**
 * A stand-in for the next generation: reports ready through the real
 * {@link ParentHandshake}, writes what the parent reported at the handover to the file
 * named by its first argument (if any), then idles until it is stopped.
 */
public final class HandshakingChild {

	private HandshakingChild() {
	}

	public static void main(String[] args) throws Exception {
		ParentHandshake handshake = new ParentHandshake(Generation.current(), Duration.ofSeconds(30));
		boolean tookOver = handshake.reportReady(System.getenv("HANDSHAKING_CHILD_NOTE"), () -> {
		});
		if (!tookOver) {
			System.exit(2);
		}
		if (args.length > 0) {
			HandoverReport report = handshake.handoverReport();
			// whole or not at all: the test reads the file as soon as it exists
			Path written = Path.of(args[0] + ".tmp");
			Files.writeString(written, (report != null) ? report.encode() : "none");
			Files.move(written, Path.of(args[0]), StandardCopyOption.ATOMIC_MOVE);
		}
		Thread.sleep(30_000);
	}

}
