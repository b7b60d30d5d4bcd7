package io.zerodowntime.internal.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.zerodowntime.reload.ReloadOutcome;
import io.zerodowntime.reload.ReloadReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RollingLogGuard}, on a real Logback rolling file appender.
 */
class RollingLogGuardTests {

	private final LoggerContext context = new LoggerContext();

	RollingLogGuardTests() {
		this.context.setMDCAdapter(new LogbackMDCAdapter());
	}

	@TempDir
	Path temp;

	@AfterEach
	void stop() {
		this.context.stop();
	}

	@Test
	void aHeldFileGrowsPastItsSizeAndRotatesOnceReleased() throws IOException {
		RollingFileAppender<ILoggingEvent> appender = rollingAppender();
		Logger logger = logger(appender);
		RollingLogGuard guard = RollingLogGuard.of(List.of(appender), true);
		for (int i = 0; i < 200; i++) {
			logger.info("line {} of a generation that shares its log file", i);
		}
		assertThat(files()).containsExactly("app.log");
		assertThat(Files.size(this.temp.resolve("app.log"))).isGreaterThan(4 * 1024);
		guard.release();
		logger.info("the first line after the release");
		assertThat(files()).contains("app.log", "app.1.log");
	}

	@Test
	void aParentHoldsFromTheStartOfAReloadUntilItFails() {
		RollingFileAppender<ILoggingEvent> appender = rollingAppender();
		RollingLogGuard guard = RollingLogGuard.of(List.of(appender), false);
		assertThat(guard.isHeld()).isFalse();
		ReloadReport report = new ReloadReport("ab12cd34", "test", ReloadOutcome.IN_PROGRESS, 42L, null,
				Instant.now(), null, null);
		guard.started(report);
		assertThat(guard.isHeld()).isTrue();
		guard.succeeded(report);
		assertThat(guard.isHeld()).as("a parent that handed over exits holding").isTrue();
		guard.failed(report);
		assertThat(guard.isHeld()).isFalse();
	}

	@Test
	void guardingTwiceKeepsOneGuard() {
		RollingFileAppender<ILoggingEvent> appender = rollingAppender();
		RollingLogGuard first = RollingLogGuard.of(List.of(appender), true);
		RollingLogGuard second = RollingLogGuard.of(List.of(appender), false);
		assertThat(appender.getTriggeringPolicy()).isInstanceOf(HeldTriggeringPolicy.class);
		assertThat(((HeldTriggeringPolicy<ILoggingEvent>) appender.getTriggeringPolicy()).delegate())
			.isInstanceOf(SizeBasedTriggeringPolicy.class);
		second.release();
		assertThat(first.isHeld()).isFalse();
	}

	private List<String> files() throws IOException {
		try (Stream<Path> files = Files.list(this.temp)) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList();
		}
	}

	private Logger logger(RollingFileAppender<ILoggingEvent> appender) {
		Logger logger = this.context.getLogger("test");
		logger.setLevel(Level.INFO);
		logger.setAdditive(false);
		logger.addAppender(appender);
		return logger;
	}

	private RollingFileAppender<ILoggingEvent> rollingAppender() {
		RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
		appender.setContext(this.context);
		appender.setFile(this.temp.resolve("app.log").toString());
		FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
		rolling.setContext(this.context);
		rolling.setFileNamePattern(this.temp.resolve("app.%i.log").toString());
		rolling.setParent(appender);
		rolling.start();
		SizeBasedTriggeringPolicy<ILoggingEvent> triggering = new SizeBasedTriggeringPolicy<>();
		triggering.setContext(this.context);
		triggering.setMaxFileSize(FileSize.valueOf("1KB"));
		triggering.start();
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(this.context);
		encoder.setPattern("%msg%n");
		encoder.start();
		appender.setEncoder(encoder);
		appender.setRollingPolicy(rolling);
		appender.setTriggeringPolicy(triggering);
		appender.start();
		return appender;
	}

}
