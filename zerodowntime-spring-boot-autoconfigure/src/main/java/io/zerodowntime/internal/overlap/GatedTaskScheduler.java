package io.zerodowntime.internal.overlap;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

/**
 * The scheduler that {@code @Scheduled} methods get: it keeps what they ask for, and
 * hands it to the application's real scheduler only while its gate is open. Closing the
 * gate takes every task back (no new run starts) and waits for runs in progress; opening
 * it again schedules them afresh, from that moment. Unlike pausing the real scheduler, a
 * closed gate leaves no run waiting in a worker thread: a generation that never takes over
 * runs nothing, and a fixed-rate task does not catch up on missed runs.
 *
 * @author zerodowntime
 */
final class GatedTaskScheduler implements TaskScheduler {

	private static final Log logger = LogFactory.getLog(GatedTaskScheduler.class);

	private final TaskScheduler target;

	private final List<GatedScheduledTask> tasks = new CopyOnWriteArrayList<>();

	private final Object monitor = new Object();

	private boolean open;

	private int running;

	GatedTaskScheduler(TaskScheduler target, boolean open) {
		this.target = target;
		this.open = open;
	}

	/**
	 * Schedule every task on the real scheduler.
	 */
	void open() {
		synchronized (this.monitor) {
			this.open = true;
		}
		for (GatedScheduledTask task : this.tasks) {
			try {
				task.submitTo(this.target);
			}
			catch (RuntimeException ex) {
				// a scheduler that refuses one task (it is shutting down) must not undo a takeover
				logger.error("Could not schedule a task in the serving generation", ex);
			}
		}
	}

	/**
	 * Take every task back and wait for runs in progress.
	 * @param timeout how long to wait
	 * @return whether no run is in progress any more
	 */
	boolean close(Duration timeout) throws InterruptedException {
		synchronized (this.monitor) {
			this.open = false;
		}
		this.tasks.forEach(GatedScheduledTask::withdraw);
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (this.running > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
			}
			return true;
		}
	}

	private ScheduledFuture<?> register(Function<TaskScheduler, ScheduledFuture<?>> submission) {
		GatedScheduledTask task = new GatedScheduledTask(submission);
		this.tasks.add(task);
		boolean submitNow;
		synchronized (this.monitor) {
			submitNow = this.open;
		}
		if (submitNow) {
			task.submitTo(this.target);
		}
		return task;
	}

	/**
	 * A run that finds the gate closed (it was due just as the gate closed) does nothing.
	 */
	private Runnable gated(Runnable task) {
		return () -> {
			synchronized (this.monitor) {
				if (!this.open) {
					return;
				}
				this.running++;
			}
			try {
				task.run();
			}
			finally {
				synchronized (this.monitor) {
					this.running--;
					this.monitor.notifyAll();
				}
			}
		};
	}

	@Override
	public Clock getClock() {
		return this.target.getClock();
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
		Runnable run = gated(task);
		return register((scheduler) -> scheduler.schedule(run, trigger));
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		Runnable run = gated(task);
		return register((scheduler) -> scheduler.schedule(run, startTime));
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
		Runnable run = gated(task);
		return register((scheduler) -> scheduler.scheduleAtFixedRate(run, later(startTime), period));
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
		Runnable run = gated(task);
		return register((scheduler) -> scheduler.scheduleAtFixedRate(run, period));
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
		Runnable run = gated(task);
		return register((scheduler) -> scheduler.scheduleWithFixedDelay(run, later(startTime), delay));
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
		Runnable run = gated(task);
		return register((scheduler) -> scheduler.scheduleWithFixedDelay(run, delay));
	}

	/**
	 * A start time that passed while the gate was closed means now.
	 */
	private Instant later(Instant startTime) {
		Instant now = getClock().instant();
		return startTime.isBefore(now) ? now : startTime;
	}

}
