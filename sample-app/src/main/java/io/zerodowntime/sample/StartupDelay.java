package io.zerodowntime.sample;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Delays the end of startup by {@code sample.startup-delay} (none by default), so that
 * tests can start a generation that never becomes ready.
 *
 * @author zerodowntime
 */
@Component
public class StartupDelay implements ApplicationRunner {

	private final Duration delay;

	public StartupDelay(@Value("${sample.startup-delay:0s}") Duration delay) {
		this.delay = delay;
	}

	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		Thread.sleep(this.delay.toMillis());
	}

}
