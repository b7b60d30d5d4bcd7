package io.zerodowntime.autoconfigure;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.zerodowntime.internal.signal.ReloadSignal;
import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.LongLivedDrain;
import io.zerodowntime.reload.MemoryCheck;
import io.zerodowntime.reload.SupervisorMode;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.ClassUtils;

/**
 * Configuration properties for zero-downtime reloads.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
@ConfigurationProperties("zerodowntime")
public class ZeroDowntimeProperties implements InitializingBean {

	/**
	 * The value of {@code zerodowntime.signal} that turns signal handling off.
	 */
	private static final String NO_SIGNAL_VALUE = "none";

	/**
	 * Signals the JVM or the shutdown sequence already use, which must not trigger a
	 * reload.
	 */
	private static final Set<String> RESERVED_SIGNALS = Set.of("TERM", "INT", "KILL", "STOP", "QUIT", "SEGV", "BUS",
			"FPE", "ILL", "ABRT", "TRAP", "CONT", "PIPE");

	/**
	 * Whether to enable zero-downtime reloads. Nothing is changed unless this is set.
	 */
	private boolean enabled;

	/**
	 * How the old and the new generation share the listening port.
	 */
	private HandoffMode handoff = HandoffMode.INHERIT;

	/**
	 * Time a new generation may take to start and report healthy before it is stopped and
	 * the reload rolled back.
	 */
	private Duration startupTimeout = Duration.ofMinutes(2);

	/**
	 * Longest time the old generation keeps serving its open connections after the new
	 * one has taken over; connections still open then are cut off.
	 */
	private Duration drainTimeout = Duration.ofSeconds(30);

	/**
	 * How many TLS handshake steps each listener runs at once, on threads of its own, the
	 * oldest connection first and each client address's first connection before any
	 * address's second; a connection goes to Tomcat's workers once its handshake is
	 * complete. After a takeover every client reconnects to the new generation at once:
	 * shared among hundreds of handshakes, the cores would complete none for seconds; in
	 * turn, the first clients are served within milliseconds. Defaults to the number of
	 * processors. Zero leaves handshakes to Tomcat's workers, all at once: set it when the
	 * key signs remotely (an HSM or a key service), where a step waits on the network.
	 */
	private @Nullable Integer tlsHandshakeConcurrency;

	/**
	 * What the old generation does with its WebSocket sessions when it starts to drain:
	 * end (close each with 1001 Going Away, so that clients reconnect to the new
	 * generation) or keep (until the drain timeout).
	 */
	private LongLivedDrain websocketDrain = LongLivedDrain.END;

	/**
	 * What the old generation does with its streaming responses (server-sent events,
	 * ResponseBodyEmitter, StreamingResponseBody, any async request whose response has
	 * started) when it starts to drain: end (complete each normally, as at an async
	 * timeout, so that clients reconnect to the new generation) or keep (until the drain
	 * timeout).
	 */
	private LongLivedDrain streamingDrain = LongLivedDrain.END;

	/**
	 * File to write the serving generation's pid to. Every generation replaces it
	 * atomically when it takes over.
	 */
	private @Nullable Path pidFile;

	/**
	 * Signal that triggers a reload, without the SIG prefix (for example USR2 or HUP), or
	 * "none" to not handle any signal.
	 */
	private String signal = "USR2";

	/**
	 * What to do when, before a reload, the memory available (MemAvailable, or the cgroup's
	 * memory.max) is less than this process's resident memory, which the new generation
	 * will need too: warn, refuse or off.
	 */
	private MemoryCheck memoryCheck = MemoryCheck.WARN;

	/**
	 * Whether the process that was started stays, as a supervisor with a stable pid, while
	 * generations are replaced: auto (where something follows that pid: PID 1, a container
	 * init, systemd, a terminal), always or never.
	 */
	private SupervisorMode supervisor = SupervisorMode.AUTO;

	private final BackgroundWork backgroundWork = new BackgroundWork();

	private final WarmUp warmUp = new WarmUp();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public HandoffMode getHandoff() {
		return this.handoff;
	}

	public void setHandoff(HandoffMode handoff) {
		this.handoff = handoff;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public @Nullable Integer getTlsHandshakeConcurrency() {
		return this.tlsHandshakeConcurrency;
	}

	public void setTlsHandshakeConcurrency(@Nullable Integer tlsHandshakeConcurrency) {
		this.tlsHandshakeConcurrency = tlsHandshakeConcurrency;
	}

	/**
	 * Return how many TLS handshake steps each listener runs at once: the configured
	 * number, or the number of processors.
	 * @return the concurrency, zero when handshakes are left to Tomcat
	 */
	public int resolveTlsHandshakeConcurrency() {
		Integer configured = this.tlsHandshakeConcurrency;
		return (configured != null) ? configured : Runtime.getRuntime().availableProcessors();
	}

	public LongLivedDrain getWebsocketDrain() {
		return this.websocketDrain;
	}

	public void setWebsocketDrain(LongLivedDrain websocketDrain) {
		this.websocketDrain = websocketDrain;
	}

	public LongLivedDrain getStreamingDrain() {
		return this.streamingDrain;
	}

	public void setStreamingDrain(LongLivedDrain streamingDrain) {
		this.streamingDrain = streamingDrain;
	}

	public @Nullable Path getPidFile() {
		return this.pidFile;
	}

	public void setPidFile(@Nullable Path pidFile) {
		this.pidFile = pidFile;
	}

	public String getSignal() {
		return this.signal;
	}

	public void setSignal(String signal) {
		this.signal = signal;
	}

	public MemoryCheck getMemoryCheck() {
		return this.memoryCheck;
	}

	public void setMemoryCheck(MemoryCheck memoryCheck) {
		this.memoryCheck = memoryCheck;
	}

	public SupervisorMode getSupervisor() {
		return this.supervisor;
	}

	public void setSupervisor(SupervisorMode supervisor) {
		this.supervisor = supervisor;
	}

	public BackgroundWork getBackgroundWork() {
		return this.backgroundWork;
	}

	public WarmUp getWarmUp() {
		return this.warmUp;
	}

	/**
	 * Return the signal's name without {@code SIG}, or {@code null} when signal handling
	 * is off.
	 * @return the signal name or {@code null}
	 */
	public @Nullable String getSignalName() {
		return ReloadSignal.nameOf(this.signal);
	}

	@Override
	public void afterPropertiesSet() {
		requirePositive("zerodowntime.startup-timeout", this.startupTimeout);
		requirePositive("zerodowntime.drain-timeout", this.drainTimeout);
		Integer handshakeConcurrency = this.tlsHandshakeConcurrency;
		if (handshakeConcurrency != null && handshakeConcurrency < 0) {
			throw new InvalidConfigurationPropertyValueException("zerodowntime.tls-handshake-concurrency",
					handshakeConcurrency, "must be zero (handshakes left to Tomcat's workers) or more");
		}
		requirePositive("zerodowntime.background-work.stop-timeout", this.backgroundWork.getStopTimeout());
		requirePositive("zerodowntime.warm-up.timeout", this.warmUp.getTimeout());
		this.backgroundWork.resolveBeanTypes();
		this.warmUp.validate(this.startupTimeout);
		validateSignal();
		validatePidFile();
	}

	private void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "must be a positive duration");
		}
	}

	private void validateSignal() {
		String name = getSignalName();
		if (name == null) {
			return;
		}
		if (RESERVED_SIGNALS.contains(name)) {
			throw new InvalidConfigurationPropertyValueException("zerodowntime.signal", this.signal,
					"SIG" + name + " is used by the JVM or for shutdown; use USR2 (the default), USR1 or HUP, or '"
							+ NO_SIGNAL_VALUE + "'");
		}
		try {
			new Signal(name);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("zerodowntime.signal", this.signal,
					"not a signal this platform knows; use USR2 (the default), USR1 or HUP, or '" + NO_SIGNAL_VALUE + "'");
		}
	}

	private void validatePidFile() {
		if (this.pidFile == null) {
			return;
		}
		Path directory = this.pidFile.toAbsolutePath().getParent();
		if (Files.isDirectory(this.pidFile)) {
			throw new InvalidConfigurationPropertyValueException("zerodowntime.pid-file", this.pidFile,
					"is a directory; name a file");
		}
		if (directory == null || !Files.isDirectory(directory)) {
			throw new InvalidConfigurationPropertyValueException("zerodowntime.pid-file", this.pidFile,
					"its directory does not exist");
		}
	}

	/**
	 * Work outside requests ({@code @Scheduled} tasks, message listeners, lifecycle beans
	 * marked {@code @ServingGenerationOnly}) that runs in the serving generation only.
	 */
	public static class BackgroundWork {

		/**
		 * Whether a new generation starts its background work only once it has taken over,
		 * and the old one stops its own first. When off, both run it during a reload.
		 */
		private boolean enabled = true;

		/**
		 * How long the old generation waits, at the handover, for scheduled runs and
		 * lifecycle beans in progress to finish before the new generation starts its own.
		 */
		private Duration stopTimeout = Duration.ofSeconds(30);

		/**
		 * Names of lifecycle beans that run in the serving generation only.
		 */
		private Set<String> beanNames = new LinkedHashSet<>();

		/**
		 * Types (fully qualified class names) of lifecycle beans that run in the serving
		 * generation only. Spring's JMS, AMQP and Kafka listener registries and containers
		 * always do.
		 */
		private List<String> beanTypes = new ArrayList<>();

		private List<Class<?>> resolvedBeanTypes = List.of();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getStopTimeout() {
			return this.stopTimeout;
		}

		public void setStopTimeout(Duration stopTimeout) {
			this.stopTimeout = stopTimeout;
		}

		public Set<String> getBeanNames() {
			return this.beanNames;
		}

		public void setBeanNames(Set<String> beanNames) {
			this.beanNames = beanNames;
		}

		public List<String> getBeanTypes() {
			return this.beanTypes;
		}

		public void setBeanTypes(List<String> beanTypes) {
			this.beanTypes = beanTypes;
		}

		/**
		 * Return the bean types as classes.
		 * @return the classes
		 */
		public List<Class<?>> getResolvedBeanTypes() {
			return this.resolvedBeanTypes;
		}

		void resolveBeanTypes() {
			List<Class<?>> resolved = new ArrayList<>();
			for (String type : this.beanTypes) {
				try {
					resolved.add(ClassUtils.forName(type.trim(), ClassUtils.getDefaultClassLoader()));
				}
				catch (ClassNotFoundException | LinkageError ex) {
					throw new InvalidConfigurationPropertyValueException("zerodowntime.background-work.bean-types",
							type, "no such class on the class path");
				}
			}
			this.resolvedBeanTypes = List.copyOf(resolved);
		}

	}

	/**
	 * Requests a new generation sends itself, once healthy and before it reports ready,
	 * through its real servlet pipeline on a private loopback listener that speaks what
	 * the main one speaks (TLS, HTTP/2); the shared listener stays gated meanwhile.
	 */
	public static class WarmUp {

		/**
		 * Whether a new generation warms up before it takes over.
		 */
		private boolean enabled = true;

		/**
		 * Paths (with a query if needed) asked for with GET, in turn. Safe, idempotent
		 * requests only: they run the application's code. When empty, a path no
		 * application serves, which warms the connections, filters, dispatcher and error
		 * page only.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * How many warm-up requests to send in all, four at a time, each connection
		 * used for five.
		 */
		private int requests = 40;

		/**
		 * How long to go on sending requests, the paths in turn, once the count is
		 * reached: the JIT compiles a code path after thousands of calls, not dozens. Zero
		 * sends the count only. Counts in the warm-up's timeout, and must be shorter than
		 * it.
		 */
		private Duration duration = Duration.ZERO;

		/**
		 * Longest time the warm-up may take; requests not sent by then are not. Counts
		 * in the startup timeout, and must be shorter than it.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		/**
		 * Whether a warm-up that is not complete (a request failed with an I/O error, a
		 * timeout or a 5xx answer, or was not sent in time) keeps the new generation
		 * from taking over, which rolls the reload back.
		 */
		private boolean required;

		private final Replay replay = new Replay();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public int getRequests() {
			return this.requests;
		}

		public void setRequests(int requests) {
			this.requests = requests;
		}

		public Duration getDuration() {
			return this.duration;
		}

		public void setDuration(Duration duration) {
			this.duration = duration;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isRequired() {
			return this.required;
		}

		public void setRequired(boolean required) {
			this.required = required;
		}

		public Replay getReplay() {
			return this.replay;
		}

		void validate(Duration startupTimeout) {
			if (this.requests < 1) {
				throw new InvalidConfigurationPropertyValueException("zerodowntime.warm-up.requests", this.requests,
						"must be at least 1; set zerodowntime.warm-up.enabled=false to turn the warm-up off");
			}
			if (this.duration.isNegative() || this.duration.compareTo(this.timeout) >= 0) {
				throw new InvalidConfigurationPropertyValueException("zerodowntime.warm-up.duration", this.duration,
						"must be zero or more, and shorter than zerodowntime.warm-up.timeout (" + this.timeout
								+ "), which it counts in");
			}
			if (this.timeout.compareTo(startupTimeout) >= 0) {
				throw new InvalidConfigurationPropertyValueException("zerodowntime.warm-up.timeout", this.timeout,
						"must be shorter than zerodowntime.startup-timeout (" + startupTimeout
								+ "), which it counts in");
			}
			if (this.replay.getRequests() < 1) {
				throw new InvalidConfigurationPropertyValueException("zerodowntime.warm-up.replay.requests",
						this.replay.getRequests(), "must be at least 1");
			}
			for (String path : this.paths) {
				if (!path.startsWith("/") || path.startsWith("//")) {
					throw new InvalidConfigurationPropertyValueException("zerodowntime.warm-up.paths", path,
							"each must be a path on this service, starting with a single '/'");
				}
				try {
					URI.create("http://127.0.0.1" + path);
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidConfigurationPropertyValueException("zerodowntime.warm-up.paths", path,
							"not a valid path and query (" + ex.getMessage() + "); encode it as in a URL");
				}
			}
		}

		/**
		 * A replay, in the new generation's warm-up, of requests the old one served
		 * recently: {@code GET} and {@code HEAD} that succeeded, their path and query only
		 * (never a header, a cookie or a body), handed over in the reload's private
		 * directory. They run the application's code again: turn it on only where such
		 * requests are safe to repeat.
		 */
		public static class Replay {

			/**
			 * Whether to replay recent requests in the next generation's warm-up.
			 */
			private boolean enabled;

			/**
			 * How many of the most recent requests to keep (each distinct one is replayed
			 * once, most recent first, after the listed paths).
			 */
			private int requests = 100;

			/**
			 * Path patterns (Ant style, within the context path) never kept.
			 */
			private List<String> exclude = new ArrayList<>(List.of("/actuator/**"));

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public int getRequests() {
				return this.requests;
			}

			public void setRequests(int requests) {
				this.requests = requests;
			}

			public List<String> getExclude() {
				return this.exclude;
			}

			public void setExclude(List<String> exclude) {
				this.exclude = exclude;
			}

		}

	}

}
