package io.zerodowntime.internal.overlap;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.zerodowntime.internal.reload.BackgroundWork;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.scheduling.TaskScheduler;

/**
 * The background work of one generation: the scheduled tasks of its
 * {@link GatedTaskScheduler}s and the gated beans of its {@link GatingLifecycleProcessor}.
 * Open from the start in generation 0; closed in a child until it takes over.
 *
 * @author zerodowntime
 */
public final class BackgroundWorkGate implements BackgroundWork {

	private static final Log logger = LogFactory.getLog(BackgroundWorkGate.class);

	private final List<GatedTaskScheduler> schedulers = new CopyOnWriteArrayList<>();

	private volatile @Nullable GatingLifecycleProcessor lifecycleProcessor;

	private boolean open;

	/**
	 * Create a gate.
	 * @param open whether background work may run from the start (generation 0)
	 */
	public BackgroundWorkGate(boolean open) {
		this.open = open;
	}

	/**
	 * Return a scheduler that runs what it is given only while this gate is open.
	 */
	synchronized TaskScheduler gate(TaskScheduler target) {
		GatedTaskScheduler scheduler = new GatedTaskScheduler(target, this.open);
		this.schedulers.add(scheduler);
		return scheduler;
	}

	/**
	 * Return the application context's lifecycle processor, which leaves the beans that run
	 * in the serving generation only to this gate.
	 * @param beanNames beans gated by name
	 * @param beanTypes beans gated by type
	 * @param classLoader the application's class loader
	 * @return the lifecycle processor
	 */
	public synchronized DefaultLifecycleProcessor lifecycleProcessor(Set<String> beanNames, List<Class<?>> beanTypes,
			@Nullable ClassLoader classLoader) {
		GatingLifecycleProcessor processor = new GatingLifecycleProcessor(
				new GatedBeans(beanNames, beanTypes, classLoader), this.open);
		this.lifecycleProcessor = processor;
		return processor;
	}

	@Override
	public synchronized void start() {
		this.open = true;
		this.schedulers.forEach(GatedTaskScheduler::open);
		GatingLifecycleProcessor processor = this.lifecycleProcessor;
		if (processor != null) {
			processor.openGate();
		}
	}

	@Override
	public boolean stop(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this) {
			this.open = false;
		}
		try {
			boolean stopped = true;
			GatingLifecycleProcessor processor = this.lifecycleProcessor;
			if (processor != null) {
				stopped = processor.closeGate(timeout);
			}
			for (GatedTaskScheduler scheduler : this.schedulers) {
				stopped &= scheduler.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
			}
			if (!stopped) {
				logger.warn("Background work still running after " + timeout
						+ " (zerodowntime.background-work.stop-timeout); the new generation starts its own now");
			}
			return stopped;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
