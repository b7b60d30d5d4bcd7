package io.zerodowntime.internal.reload;

import io.zerodowntime.reload.Generation;

/**
 * A stand-in for the next generation: reports ready through the real
 * {@link ParentHandshake}, then idles until it is stopped.
 */
public final class HandshakingChild {

	private HandshakingChild() {
	}

	public static void main(String[] args) throws Exception {
		boolean tookOver = new ParentHandshake(Generation.current()).reportReady(() -> {
		});
		if (!tookOver) {
			System.exit(2);
		}
		Thread.sleep(30_000);
	}

}
