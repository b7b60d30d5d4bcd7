package io.zerodowntime.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.ReloadListener;
import io.zerodowntime.reload.ServingGenerationOnly;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Background work as applications have it, when {@code sample.jobs-file} names a file: a
 * scheduled job, a lifecycle component standing in for a message listener container, a
 * runner, and work done once a generation serves. Each appends {@code pid generation kind}
 * lines to the file, so that tests can tell which generation ran what, and when.
 *
 * @author zerodowntime
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("sample.jobs-file")
@EnableScheduling
class BackgroundJobsConfiguration {

	@Bean
	JobJournal jobJournal(@Value("${sample.jobs-file}") Path file) {
		return new JobJournal(file);
	}

	@Bean
	ScheduledJob scheduledJob(JobJournal journal) {
		return new ScheduledJob(journal);
	}

	@Bean
	@ServingGenerationOnly
	PollingListener pollingListener(JobJournal journal) {
		return new PollingListener(journal);
	}

	@Bean
	ApplicationRunner journalRunner(JobJournal journal) {
		return (arguments) -> journal.append("runner");
	}

	@Bean
	ReloadListener journalOnServing(JobJournal journal) {
		return new ReloadListener() {

			@Override
			public void serving(Generation generation) {
				journal.append("serving");
			}

		};
	}

	static final class JobJournal {

		private final Path file;

		private final String prefix;

		private final AtomicLong sequence = new AtomicLong();

		JobJournal(Path file) {
			this.file = file;
			this.prefix = ProcessHandle.current().pid() + " " + Generation.current().number() + " ";
		}

		void append(String kind) {
			// one write per line, appended: lines of two generations never mix
			String line = this.prefix + kind + " " + this.sequence.incrementAndGet() + "\n";
			try {
				Files.writeString(this.file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
						StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

	static final class ScheduledJob {

		private final JobJournal journal;

		ScheduledJob(JobJournal journal) {
			this.journal = journal;
		}

		@Scheduled(fixedRate = 100)
		void tick() {
			this.journal.append("tick");
		}

	}

	/**
	 * Polls on a thread of its own while it runs, as a message listener container does.
	 */
	static final class PollingListener implements SmartLifecycle {

		private final JobJournal journal;

		private volatile Thread poller;

		PollingListener(JobJournal journal) {
			this.journal = journal;
		}

		@Override
		public synchronized void start() {
			if (this.poller != null) {
				return;
			}
			Thread poller = new Thread(this::poll, "sample-listener");
			poller.setDaemon(true);
			this.poller = poller;
			poller.start();
		}

		private void poll() {
			while (Thread.currentThread() == this.poller) {
				this.journal.append("listener");
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		@Override
		public void stop() {
			Thread poller;
			synchronized (this) {
				poller = this.poller;
				this.poller = null;
			}
			if (poller != null) {
				poller.interrupt();
				try {
					poller.join(5000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		@Override
		public boolean isRunning() {
			return this.poller != null;
		}

	}

}
