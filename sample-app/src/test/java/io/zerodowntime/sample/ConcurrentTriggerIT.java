package io.zerodowntime.sample;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.zerodowntime.harness.HandoffUnderTest;
import io.zerodowntime.harness.HttpExchange;
import io.zerodowntime.harness.SampleProcesses;
import io.zerodowntime.harness.ServiceUnderTest;
import io.zerodowntime.harness.TestNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Triggers that race each other (two endpoint calls and a signal at the same instant)
 * start exactly one child; the others get a clear conflict. Behind the supervisor, so
 * that the signal takes the way {@code systemctl reload} takes: through the supervisor,
 * which forwards it to the serving generation.
 */
class ConcurrentTriggerIT {

	@TempDir
	Path temp;

	@ParameterizedTest(name = "{0} handoff")
	@EnumSource(HandoffUnderTest.class)
	void simultaneousTriggersStartExactlyOneChild(HandoffUnderTest handoff) throws Exception {
		int port = handoff.port();
		try (TestNetwork network = handoff.network();
				SampleProcesses processes = new SampleProcesses(this.temp, network)) {
			processes.supervisor("always");
			ServiceUnderTest service = new ServiceUnderTest(network, processes, port);
			long pid = service.start(handoff.argument());
			long supervisor = service.supervisorPid().orElseThrow();
			CountDownLatch go = new CountDownLatch(1);
			List<CompletableFuture<HttpExchange.Response>> posts = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				posts.add(network.async(() -> {
					go.await();
					return HttpExchange.send(port, "POST", "/actuator/reload");
				}));
			}
			CompletableFuture<Void> signal = CompletableFuture.runAsync(() -> {
				try {
					go.await();
					SampleProcesses.signal(supervisor, "USR2");
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			long triggeredAt = System.nanoTime();
			go.countDown();
			signal.get(30, TimeUnit.SECONDS);
			List<HttpExchange.Response> answers = new ArrayList<>();
			for (CompletableFuture<HttpExchange.Response> post : posts) {
				answers.add(post.get(30, TimeUnit.SECONDS));
			}
			Set<Long> seen = new TreeSet<>(processes.generationPids());
			CompletableFuture<ServiceUnderTest.Handover> handover = CompletableFuture.supplyAsync(() -> {
				try {
					return service.awaitHandover(pid, triggeredAt);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			while (!handover.isDone()) {
				seen.addAll(processes.generationPids());
				Thread.sleep(50);
			}
			long newPid = handover.get().newPid();
			assertThat(answers).extracting(HttpExchange.Response::status).allMatch((s) -> s == 202 || s == 409);
			assertThat(answers).filteredOn((answer) -> answer.status() == 202).hasSizeLessThanOrEqualTo(1);
			assertThat(answers).filteredOn((answer) -> answer.status() == 409)
				.allSatisfy((answer) -> assertThat(answer.body()).contains("already"))
				.isNotEmpty();
			assertThat(seen).as("processes seen during the reload").containsExactlyInAnyOrder(pid, newPid);
			assertThat(processes.generationPids()).containsExactly(newPid);
			assertThat(processes.livePids()).as("the supervisor stays").containsExactlyInAnyOrder(supervisor, newPid);
		}
	}

}
