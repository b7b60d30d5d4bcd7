package io.zerodowntime.internal.overlap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Puts the {@link BackgroundWorkGate} between {@code @Scheduled} methods (and tasks that
 * other {@link SchedulingConfigurer}s register) and the scheduler they would run on:
 * the one another configurer set, else the application's {@link TaskScheduler} bean, found
 * as Spring finds it (the only one, or the one named {@code taskScheduler}). Runs last, so
 * that it wraps what the application's own configurers chose.
 *
 * @author zerodowntime
 */
public final class GatedScheduling implements SchedulingConfigurer, Ordered {

	private static final Log logger = LogFactory.getLog(GatedScheduling.class);

	private static final String DEFAULT_SCHEDULER_NAME = "taskScheduler";

	private final BackgroundWorkGate gate;

	private final ObjectProvider<TaskScheduler> schedulers;

	private final BeanFactory beanFactory;

	public GatedScheduling(BackgroundWorkGate gate, ObjectProvider<TaskScheduler> schedulers,
			BeanFactory beanFactory) {
		this.gate = gate;
		this.schedulers = schedulers;
		this.beanFactory = beanFactory;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		TaskScheduler target = registrar.getScheduler();
		if (target == null) {
			target = applicationScheduler();
		}
		if (target == null) {
			logger.warn("Scheduled tasks will run in both generations during a reload: no TaskScheduler bean to hold "
					+ "them back (define one, or let Spring Boot's task scheduling auto-configuration do it)");
			return;
		}
		registrar.setTaskScheduler(this.gate.gate(target));
	}

	private @Nullable TaskScheduler applicationScheduler() {
		TaskScheduler unique = this.schedulers.getIfUnique();
		if (unique != null) {
			return unique;
		}
		if (this.beanFactory.containsBean(DEFAULT_SCHEDULER_NAME)
				&& this.beanFactory.isTypeMatch(DEFAULT_SCHEDULER_NAME, TaskScheduler.class)) {
			return this.beanFactory.getBean(DEFAULT_SCHEDULER_NAME, TaskScheduler.class);
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
