package io.zerodowntime.sample;

import java.nio.file.Path;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.1 through reloads with {@code wrk}, a load generator no one on this project wrote:
 * 50 keep-alive connections and 50 connections that ask for {@code Connection: close} on
 * every request, 3 reloads, no socket error and no answer other than 2xx or 3xx.
 */
class WrkReloadIT {

	/**
	 * Reloads per handoff mode: three in the suite; the compatibility matrix's runs (another
	 * Java, another Spring Boot line) ask for one with {@code -Dit.wrk.reloads=1}.
	 */
	private static final int RELOADS = Integer.getInteger("it.wrk.reloads", 3);

	private static final int CONNECTIONS = 50;

	@TempDir
	Path temp;

	@ParameterizedTest(name = "{0} handoff")
	@EnumSource(HandoffUnderTest.class)
	void reloadsUnderWrkHaveNoSocketErrorAndNoFailedAnswer(HandoffUnderTest handoff) throws Exception {
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument());
			Wrk.Summary keepAlive;
			Wrk.Summary close;
			try (Wrk keepAliveRun = Wrk.start(network, this.temp, port, CONNECTIONS, true);
					Wrk closeRun = Wrk.start(network, this.temp, port, CONNECTIONS, false)) {
				for (int i = 0; i < RELOADS; i++) {
					System.out.println("[wrk " + handoff + "] " + service.reloadBySignal(pid));
					pid = service.readPidFile();
				}
				assertThat(service.get("/").servedBy()).isEqualTo(pid);
				keepAlive = keepAliveRun.stop();
				close = closeRun.stop();
			}
			for (Wrk.Summary summary : new Wrk.Summary[] { keepAlive, close }) {
				System.out.println("[wrk " + handoff + "] " + summary.name() + ":\n" + summary.text());
			}
			for (Wrk.Summary summary : new Wrk.Summary[] { keepAlive, close }) {
				assertThat(summary.requests()).as(summary.name()).isPositive();
				assertThat(summary.hasErrors()).as("%s:\n%s", summary.name(), summary.text()).isFalse();
			}
			assertThat(processes.generationPids()).containsExactly(pid);
		}
	}

}
