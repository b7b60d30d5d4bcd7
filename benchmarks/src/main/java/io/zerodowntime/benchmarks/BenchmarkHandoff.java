package io.zerodowntime.benchmarks;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.NetworkNamespace;
import io.zerodowntime.harness.TestNetwork;
import jnr.posix.POSIXFactory;

/**
 * The handoff variants the benchmark compares: {@code inherit} on the host's loopback as
 * it is, and {@code reuseport} with {@code net.ipv4.tcp_migrate_req} 0 and 1, each in a
 * network namespace the benchmark creates (never touching the host's setting).
 */
enum BenchmarkHandoff {

	INHERIT("inherit", null), REUSEPORT_MIGRATE_0("reuseport", "0"), REUSEPORT_MIGRATE_1("reuseport", "1");

	private final String mode;

	private final String migrateReq;

	BenchmarkHandoff(String mode, String migrateReq) {
		this.mode = mode;
		this.migrateReq = migrateReq;
	}

	String argument() {
		return "--zerodowntime.handoff=" + this.mode;
	}

	String label() {
		return (this.migrateReq != null) ? this.mode + ", tcp_migrate_req=" + this.migrateReq : this.mode;
	}

	/**
	 * Why this variant cannot run here, or {@code null}.
	 */
	String unavailableReason() {
		if (this.migrateReq != null && POSIXFactory.getNativePOSIX().geteuid() != 0) {
			return "needs root to create a network namespace; skipped";
		}
		return null;
	}

	TestNetwork network() throws Exception {
		return (this.migrateReq != null) ? NetworkNamespace.create("net.ipv4.tcp_migrate_req=" + this.migrateReq)
				: TestNetwork.host();
	}

	int port() throws Exception {
		return (this.migrateReq != null) ? 18080 : HandoffUnderTest.INHERIT.port();
	}

}
