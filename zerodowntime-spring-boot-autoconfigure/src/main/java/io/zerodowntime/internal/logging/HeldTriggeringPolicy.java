package io.zerodowntime.internal.logging;

import java.io.File;

import ch.qos.logback.core.rolling.TriggeringPolicy;

/**
 * A rolling file appender's triggering policy that can be held: while held, no event
 * triggers a rotation, and the file grows past its size (or its period) until released.
 *
 * @param <E> the event type
 * @author zerodowntime
 */
final class HeldTriggeringPolicy<E> implements TriggeringPolicy<E> {

	private final TriggeringPolicy<E> delegate;

	private volatile boolean held;

	HeldTriggeringPolicy(TriggeringPolicy<E> delegate, boolean held) {
		this.delegate = delegate;
		this.held = held;
	}

	void hold() {
		this.held = true;
	}

	void release() {
		this.held = false;
	}

	boolean isHeld() {
		return this.held;
	}

	TriggeringPolicy<E> delegate() {
		return this.delegate;
	}

	@Override
	public boolean isTriggeringEvent(File activeFile, E event) {
		// a time-based policy catches up on the periods it missed at its next check
		return !this.held && this.delegate.isTriggeringEvent(activeFile, event);
	}

	@Override
	public void start() {
		this.delegate.start();
	}

	@Override
	public void stop() {
		this.delegate.stop();
	}

	@Override
	public boolean isStarted() {
		return this.delegate.isStarted();
	}

}
