package io.zerodowntime.internal.overlap;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.zerodowntime.reload.ServingGenerationOnly;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BackgroundWorkGate} in a real application context: Spring's
 * {@code @Scheduled} processing through {@link GatedScheduling}, and lifecycle beans
 * through the {@link GatingLifecycleProcessor}.
 */
class BackgroundWorkGateTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(BackgroundWorkConfiguration.class);

	@Test
	void aChildRunsNoBackgroundWorkUntilItTakesOver() {
		this.runner.withBean(BackgroundWorkGate.class, () -> new BackgroundWorkGate(false)).run((context) -> {
			Ticker ticker = context.getBean(Ticker.class);
			Thread.sleep(300);
			assertThat(ticker.ticks).as("ticks before the takeover").hasValue(0);
			assertThat(context.getBean("ordinary", RecordingLifecycle.class).isRunning()).isTrue();
			for (String gated : List.of("annotated", "named", "typed")) {
				assertThat(context.getBean(gated, RecordingLifecycle.class).isRunning()).as(gated).isFalse();
			}
			context.getBean(BackgroundWorkGate.class).start();
			awaitTicks(ticker, 3);
			for (String gated : List.of("annotated", "named", "typed")) {
				assertThat(context.getBean(gated, RecordingLifecycle.class).isRunning()).as(gated).isTrue();
			}
		});
	}

	@Test
	void generationZeroRunsItsBackgroundWorkFromTheStart() {
		this.runner.withBean(BackgroundWorkGate.class, () -> new BackgroundWorkGate(true)).run((context) -> {
			awaitTicks(context.getBean(Ticker.class), 3);
			assertThat(context.getBean("annotated", RecordingLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void aParentStopsItsBackgroundWorkAtTheHandoverAndTheContextLeavesItAlone() {
		this.runner.withBean(BackgroundWorkGate.class, () -> new BackgroundWorkGate(true)).run((context) -> {
			Ticker ticker = context.getBean(Ticker.class);
			awaitTicks(ticker, 2);
			assertThat(context.getBean(BackgroundWorkGate.class).stop(Duration.ofSeconds(10))).isTrue();
			int ticks = ticker.ticks.get();
			Thread.sleep(200);
			assertThat(ticker.ticks).as("ticks after the handover").hasValue(ticks);
			RecordingLifecycle annotated = context.getBean("annotated", RecordingLifecycle.class);
			assertThat(annotated.isRunning()).isFalse();
			assertThat(annotated.stops).hasValue(1);
			RecordingLifecycle ordinary = context.getBean("ordinary", RecordingLifecycle.class);
			context.close();
			assertThat(annotated.stops).as("stopped once, at the handover").hasValue(1);
			assertThat(ordinary.stops).hasValue(1);
		});
	}

	@Test
	void aParentThatResumesServingStartsItsBackgroundWorkAgain() {
		this.runner.withBean(BackgroundWorkGate.class, () -> new BackgroundWorkGate(true)).run((context) -> {
			BackgroundWorkGate gate = context.getBean(BackgroundWorkGate.class);
			Ticker ticker = context.getBean(Ticker.class);
			awaitTicks(ticker, 1);
			gate.stop(Duration.ofSeconds(10));
			gate.start();
			awaitTicks(ticker, ticker.ticks.get() + 3);
			assertThat(context.getBean("typed", RecordingLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void aBeanThatFailsToStartOrStopNeitherStopsTheOthersNorThrows() {
		this.runner.withBean(BackgroundWorkGate.class, () -> new BackgroundWorkGate(false))
			.withBean("failing", FailingLifecycle.class, FailingLifecycle::new)
			.run((context) -> {
				BackgroundWorkGate gate = context.getBean(BackgroundWorkGate.class);
				gate.start();
				for (String gated : List.of("annotated", "named", "typed")) {
					assertThat(context.getBean(gated, RecordingLifecycle.class).isRunning()).as(gated).isTrue();
				}
				assertThat(gate.stop(Duration.ofSeconds(10))).as("everything stopped").isFalse();
				for (String gated : List.of("annotated", "named", "typed")) {
					assertThat(context.getBean(gated, RecordingLifecycle.class).isRunning()).as(gated).isFalse();
				}
			});
	}

	private static void awaitTicks(Ticker ticker, int ticks) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (ticker.ticks.get() < ticks && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(ticker.ticks.get()).isGreaterThanOrEqualTo(ticks);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class BackgroundWorkConfiguration {

		@Bean
		ThreadPoolTaskScheduler taskScheduler() {
			return new ThreadPoolTaskScheduler();
		}

		@Bean
		GatedScheduling gatedScheduling(BackgroundWorkGate gate, ObjectProvider<TaskScheduler> schedulers,
				BeanFactory beanFactory) {
			return new GatedScheduling(gate, schedulers, beanFactory);
		}

		@Bean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
		DefaultLifecycleProcessor lifecycleProcessor(BackgroundWorkGate gate) {
			return gate.lifecycleProcessor(Set.of("named"), List.of(TypedLifecycle.class), getClass().getClassLoader());
		}

		@Bean
		Ticker ticker() {
			return new Ticker();
		}

		@Bean
		@ServingGenerationOnly
		RecordingLifecycle annotated() {
			return new RecordingLifecycle();
		}

		@Bean
		RecordingLifecycle named() {
			return new RecordingLifecycle();
		}

		@Bean
		TypedLifecycle typed() {
			return new TypedLifecycle();
		}

		@Bean
		RecordingLifecycle ordinary() {
			return new RecordingLifecycle();
		}

	}

	static class Ticker {

		final AtomicInteger ticks = new AtomicInteger();

		@Scheduled(fixedRate = 10)
		void tick() {
			this.ticks.incrementAndGet();
		}

	}

	static class RecordingLifecycle implements SmartLifecycle {

		final AtomicInteger stops = new AtomicInteger();

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.stops.incrementAndGet();
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	static class TypedLifecycle extends RecordingLifecycle {

	}

	/**
	 * Gated by its type; fails when it starts (after it began running) and when it stops.
	 */
	static class FailingLifecycle extends TypedLifecycle {

		@Override
		public void start() {
			super.start();
			throw new IllegalStateException("broker unreachable");
		}

		@Override
		public void stop() {
			throw new IllegalStateException("broker unreachable");
		}

	}

}
