package io.zerodowntime.internal.overlap;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.Lifecycle;
import org.springframework.context.Phased;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * The application context's lifecycle processor, which leaves the beans that run in the
 * serving generation only ({@link GatedBeans}) out while its gate is closed: a child does
 * not start them when its context starts, but when it takes over; a parent stops them when
 * it hands over, and the context does not touch them again when it closes. Everything
 * else is Spring's {@link DefaultLifecycleProcessor}, configured as Spring Boot configures
 * it.
 *
 * @author zerodowntime
 */
final class GatingLifecycleProcessor extends DefaultLifecycleProcessor {

	private static final Log logger = LogFactory.getLog(GatingLifecycleProcessor.class);

	private final GatedBeans gatedBeans;

	private volatile boolean open;

	private volatile @Nullable ConfigurableListableBeanFactory beanFactory;

	GatingLifecycleProcessor(GatedBeans gatedBeans, boolean open) {
		this.gatedBeans = gatedBeans;
		this.open = open;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	protected Map<String, Lifecycle> getLifecycleBeans() {
		Map<String, Lifecycle> beans = super.getLifecycleBeans();
		if (!this.open) {
			beans.keySet().removeIf(this::isGated);
		}
		return beans;
	}

	private boolean isGated(String beanName) {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		return beanFactory != null && this.gatedBeans.isGated(beanName, beanFactory);
	}

	/**
	 * Start the gated beans, lowest phase first, and let the context manage them again.
	 */
	void openGate() {
		this.open = true;
		for (Map.Entry<String, Lifecycle> bean : gatedBeans(Comparator.naturalOrder())) {
			try {
				if (!bean.getValue().isRunning()) {
					logger.debug("Starting " + bean.getKey() + ": this generation serves");
					bean.getValue().start();
				}
			}
			catch (RuntimeException ex) {
				// one bean must not keep the others from starting, nor undo a takeover
				logger.error("Could not start " + bean.getKey() + " in the serving generation", ex);
			}
		}
	}

	/**
	 * Stop the gated beans, highest phase first, waiting for each (as the context does at
	 * shutdown) within one overall timeout.
	 * @return whether all stopped in time
	 */
	boolean closeGate(Duration timeout) throws InterruptedException {
		List<Map.Entry<String, Lifecycle>> beans = gatedBeans(Comparator.reverseOrder());
		this.open = false;
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean allStopped = true;
		for (Map.Entry<String, Lifecycle> bean : beans) {
			try {
				allStopped &= stop(bean.getKey(), bean.getValue(), deadline, timeout);
			}
			catch (RuntimeException ex) {
				logger.error("Could not stop " + bean.getKey() + " at the handover", ex);
				allStopped = false;
			}
		}
		return allStopped;
	}

	private static boolean stop(String name, Lifecycle lifecycle, long deadline, Duration timeout)
			throws InterruptedException {
		if (!lifecycle.isRunning()) {
			return true;
		}
		if (!(lifecycle instanceof SmartLifecycle smart)) {
			lifecycle.stop();
			return true;
		}
		CountDownLatch stopped = new CountDownLatch(1);
		smart.stop(stopped::countDown);
		if (!stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
			logger.warn(name + " did not stop within " + timeout + "; the new generation starts its background work "
					+ "anyway");
			return false;
		}
		return true;
	}

	private List<Map.Entry<String, Lifecycle>> gatedBeans(Comparator<Integer> phaseOrder) {
		return super.getLifecycleBeans().entrySet()
			.stream()
			.filter((bean) -> isGated(bean.getKey()))
			.sorted(Comparator.comparing((Map.Entry<String, Lifecycle> bean) -> phaseOf(bean.getValue()), phaseOrder))
			.toList();
	}

	private static int phaseOf(Lifecycle bean) {
		return (bean instanceof Phased phased) ? phased.getPhase() : 0;
	}

}
