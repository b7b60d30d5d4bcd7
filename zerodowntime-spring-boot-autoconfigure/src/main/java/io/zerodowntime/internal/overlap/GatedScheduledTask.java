package io.zerodowntime.internal.overlap;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

/**
 * A task scheduled through a {@link GatedTaskScheduler}: what the caller asked for, kept
 * so that it can be handed to the real scheduler when the gate opens (again), and the
 * future the caller holds meanwhile. Cancelling it cancels it for good.
 *
 * @author zerodowntime
 */
final class GatedScheduledTask implements ScheduledFuture<Object> {

	private final Function<TaskScheduler, ScheduledFuture<?>> submission;

	private @Nullable ScheduledFuture<?> submitted;

	private boolean cancelled;

	GatedScheduledTask(Function<TaskScheduler, ScheduledFuture<?>> submission) {
		this.submission = submission;
	}

	/**
	 * Hand the task to the real scheduler, unless it is there already or cancelled.
	 */
	synchronized void submitTo(TaskScheduler scheduler) {
		if (!this.cancelled && this.submitted == null) {
			this.submitted = this.submission.apply(scheduler);
			notifyAll();
		}
	}

	/**
	 * Take the task back from the real scheduler; a run in progress is not interrupted. A
	 * one-shot task that has run stays done: it is not scheduled again.
	 */
	synchronized void withdraw() {
		if (this.submitted != null && !this.submitted.isDone()) {
			this.submitted.cancel(false);
			this.submitted = null;
		}
	}

	@Override
	public synchronized boolean cancel(boolean mayInterruptIfRunning) {
		if (this.cancelled) {
			return false;
		}
		this.cancelled = true;
		if (this.submitted != null) {
			this.submitted.cancel(mayInterruptIfRunning);
		}
		notifyAll();
		return true;
	}

	@Override
	public synchronized boolean isCancelled() {
		return this.cancelled;
	}

	@Override
	public synchronized boolean isDone() {
		return this.cancelled || (this.submitted != null && this.submitted.isDone());
	}

	@Override
	public @Nullable Object get() throws InterruptedException, ExecutionException {
		ScheduledFuture<?> future;
		synchronized (this) {
			while (this.submitted == null && !this.cancelled) {
				wait();
			}
			future = submittedOrCancelled();
		}
		return future.get();
	}

	@Override
	public @Nullable Object get(long timeout, TimeUnit unit)
			throws InterruptedException, ExecutionException, TimeoutException {
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		ScheduledFuture<?> future;
		synchronized (this) {
			while (this.submitted == null && !this.cancelled) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new TimeoutException("not scheduled: this generation has not taken over");
				}
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
			future = submittedOrCancelled();
		}
		return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	private ScheduledFuture<?> submittedOrCancelled() {
		ScheduledFuture<?> submitted = this.submitted;
		if (this.cancelled || submitted == null) {
			throw new CancellationException();
		}
		return submitted;
	}

	@Override
	public synchronized long getDelay(TimeUnit unit) {
		// not scheduled until the gate opens: as far away as can be
		return (this.submitted != null) ? this.submitted.getDelay(unit) : Long.MAX_VALUE;
	}

	@Override
	public int compareTo(Delayed other) {
		return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
	}

}
