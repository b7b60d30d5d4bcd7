package io.zerodowntime.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.zerodowntime.harness.GenerationSample;
import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.LoadGenerator.Mode;
import io.zerodowntime.harness.LoadGenerator;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chained reloads (signal and endpoint in turn) under paced load from 20 new-connection
 * and 20 keep-alive clients: no request fails, and nothing accumulates from one generation
 * to the next. CI runs 12 of them (a reload under this load takes about 14 s on two
 * cores), enough for one descriptor kept per reload to show between the first and the last
 * five; the soak runs a hundred: {@code -Dit.reloads=100}, in either handoff mode
 * ({@code -Dit.handoff=reuseport}). Each generation is a new process, so
 * what could pile up is what it inherits or leaves behind: descriptors, environment,
 * command line, files in the temporary directory, child processes. Each is compared
 * between the first and the last generations.
 */
class ManyReloadsIT {

	private static final int RELOADS = Integer.getInteger("it.reloads", 12);

	/**
	 * The handoff mode of the chain: {@code -Dit.handoff=reuseport} soaks the other one.
	 */
	private static final HandoffUnderTest HANDOFF = HandoffUnderTest
		.valueOf(System.getProperty("it.handoff", "inherit").toUpperCase(Locale.ROOT));

	private static final int CLIENTS = 20;

	/**
	 * How many of the first and of the last generations are compared.
	 */
	private static final int COMPARED = Math.max(5, RELOADS / 10);

	@TempDir
	Path temp;

	@Test
	void chainedReloadsLoseNothingAndLeaveNothingBehind() throws Exception {
		HandoffUnderTest handoff = HANDOFF;
		int port = handoff.port();
		Path tmp = Files.createDirectory(this.temp.resolve("tmp"));
		List<GenerationSample> samples = new ArrayList<>();
		List<ServiceUnderTest.Handover> handovers = new ArrayList<>();
		try (TestNetwork network = handoff.network(); SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.launchWith(List.of(), List.of("-Djava.io.tmpdir=" + tmp));
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument(), "--zerodowntime.drain-timeout=30s");
			LoadGenerator fresh = LoadGenerator.start(port, Mode.NEW_CONNECTION, CLIENTS, network.threads());
			LoadGenerator keepAlive = LoadGenerator.start(port, Mode.KEEP_ALIVE, CLIENTS, network.threads());
			try {
				fresh.awaitSuccesses(200);
				for (int reload = 1; reload <= RELOADS; reload++) {
					ServiceUnderTest.Handover handover = (reload % 2 == 0) ? reloadByEndpoint(service, pid)
							: service.reloadBySignal(pid);
					handovers.add(handover);
					pid = handover.newPid();
					fresh.awaitSuccesses(fresh.successes() + 100);
					keepAlive.awaitSuccesses(keepAlive.successes() + 100);
					GenerationSample sample = GenerationSample.of(reload, pid, tmp);
					samples.add(sample);
					if (reload % 10 == 0 || reload == 1) {
						System.out.println("[reloads] " + sample + "; " + handover + "; requests "
								+ (fresh.successes() + keepAlive.successes()) + ", failed "
								+ (fresh.failures().size() + keepAlive.failures().size()));
					}
				}
			}
			finally {
				fresh.close();
				keepAlive.close();
			}
			System.out.println("[reloads] " + RELOADS + " reloads, " + (fresh.successes() + keepAlive.successes())
					+ " requests, failed: " + fresh.failures().size() + " + " + keepAlive.failures().size()
					+ "; trigger to new pid serving, median " + median(handovers.stream()
						.map((handover) -> handover.triggerToNewPidServing().toMillis())
						.toList()) + " ms");
			assertThat(fresh.failures()).as("failed new-connection requests").isEmpty();
			assertThat(keepAlive.failures()).as("failed keep-alive requests").isEmpty();
			assertThat(processes.generationPids()).as("processes left").containsExactly(pid);
			assertThat(SampleProcesses.childrenOf(pid)).as("children (zombies included) of the last generation").isEmpty();
			assertFlat(samples);
		}
	}

	private ServiceUnderTest.Handover reloadByEndpoint(ServiceUnderTest service, long pid) throws Exception {
		long triggeredAt = System.nanoTime();
		HttpExchange.Response accepted = service.post("/actuator/reload");
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		return service.awaitHandover(pid, triggeredAt);
	}

	private static void assertFlat(List<GenerationSample> samples) {
		List<GenerationSample> first = samples.subList(0, COMPARED);
		List<GenerationSample> last = samples.subList(samples.size() - COMPARED, samples.size());
		// descriptors other than sockets are about the same in every fresh JVM (a jar or
		// selector opened at that moment comes and goes); one inherited per generation
		// would add one per reload
		assertThat(median(last.stream().map(GenerationSample::otherDescriptors).toList()))
			.as("non-socket descriptors, median of the last vs the first generations")
			.isLessThanOrEqualTo(median(first.stream().map(GenerationSample::otherDescriptors).toList()) + 3);
		// sockets and threads follow the load (one socket per open connection), so
		// compare medians with room for the 40 clients' connections
		assertThat(median(last.stream().map(GenerationSample::descriptors).toList()))
			.as("descriptors, median of the last vs the first generations")
			.isLessThanOrEqualTo(median(first.stream().map(GenerationSample::descriptors).toList()) + 2 * CLIENTS);
		assertThat(median(last.stream().map(GenerationSample::threads).toList()))
			.as("threads, median of the last vs the first generations")
			.isLessThanOrEqualTo(median(first.stream().map(GenerationSample::threads).toList()) * 11 / 10 + 5);
		assertThat(samples).extracting(GenerationSample::commandLine)
			.as("command line of every generation")
			.containsOnly(samples.get(0).commandLine());
		assertThat(samples).extracting(GenerationSample::environmentNames)
			.as("environment variable names of every generation")
			.containsOnly(samples.get(0).environmentNames());
		assertThat(samples.get(samples.size() - 1).temporaryFiles())
			.as("entries in the temporary directory after the last vs the first generation")
			.isLessThanOrEqualTo(samples.get(0).temporaryFiles());
	}

	private static long median(List<Long> values) {
		List<Long> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

}
