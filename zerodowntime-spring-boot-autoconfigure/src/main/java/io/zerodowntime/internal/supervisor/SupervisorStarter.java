package io.zerodowntime.internal.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.zerodowntime.internal.platform.ReloadPlatform;
import io.zerodowntime.internal.reload.ChildLauncher;
import io.zerodowntime.internal.reload.ReexecCommand;
import io.zerodowntime.internal.signal.ReloadSignal;
import io.zerodowntime.internal.systemd.NotifySocket;
import io.zerodowntime.reload.Generation;
import io.zerodowntime.reload.SupervisorMode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Turns the process the user started into the {@link Supervisor} when reloads are enabled
 * and {@code zerodowntime.supervisor} asks for one: as soon as the environment (and the
 * logging) is ready, long before any bean exists, it starts generation 0 with the same
 * command line and never returns to the application; the JVM exits with the status of
 * the last generation that served. A process that already is a supervised generation goes
 * on starting normally.
 *
 * @author zerodowntime
 */
public class SupervisorStarter implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	private static final Log logger = LogFactory.getLog(SupervisorStarter.class);

	@Override
	public int getOrder() {
		return LoggingApplicationListener.DEFAULT_ORDER + 1;
	}

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		Environment environment = event.getEnvironment();
		if (!ReloadPlatform.isEnabled(environment, event.getSpringApplication().getClassLoader())
				|| isSupervisedGeneration(System.getenv())) {
			return;
		}
		if (!reloadsCanRun(event)) {
			// the starter stays off (and says why): a supervisor would only wait for readiness
			// notifications that never come
			return;
		}
		SupervisorMode mode = configuredMode(environment);
		// never: no native library to load, nothing to decide, on every start
		if (mode == null || mode == SupervisorMode.NEVER) {
			return;
		}
		if (!ClassUtils.isPresent("jnr.ffi.LibraryLoader", getClass().getClassLoader())) {
			logger.warn("No supervisor: it needs jnr-ffi (com.github.jnr:jnr-posix brings it) on the class path");
			return;
		}
		SupervisorLibC libc = SupervisorLibC.load();
		ProcessHandle self = ProcessHandle.current();
		SupervisionDecision decision = SupervisionDecision.decide(mode, self.pid(), parentCommand(self),
				System.getenv(), libc.isatty(0) == 1);
		if (!decision.supervise()) {
			logger.debug("No supervisor: " + decision.reason());
			return;
		}
		Class<?> mainClass = event.getSpringApplication().getMainApplicationClass();
		String reloadSignal = ReloadSignal.nameOf(environment.getProperty("zerodowntime.signal", "USR2"));
		ReexecCommand command;
		try {
			command = ReexecCommand.ofCurrentProcess(mainClass);
			Supervisor.becomeSubreaper(libc);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("No supervisor, this process serves itself: " + ex.getMessage());
			return;
		}
		logger.info("Starting as the supervisor of this service (" + decision.reason() + "): this pid stays while "
				+ "generations are replaced");
		// returns only if this process could not become a small JVM of its own
		String notLean = LeanSupervisor.exec(command, reloadSignal, decision.reason());
		logger.info("The supervisor stays in this JVM (" + notLean + ")");
		int status;
		try {
			ChildLauncher launcher = new ChildLauncher();
			status = new Supervisor(libc, SupervisorLog.of(Supervisor.class),
					(variables) -> launcher.launch(command, variables), systemd(), stopSignals(reloadSignal),
					reloadSignal)
				.run();
		}
		// nothing was started: this process serves itself
		catch (IOException | RuntimeException ex) {
			logger.warn("No supervisor, this process serves itself: " + ex.getMessage());
			return;
		}
		System.exit(status);
	}

	/**
	 * Whether this process is a generation its supervisor started (generation 0, whose
	 * parent is the supervisor) or adopted (a later generation, started by the generation
	 * before it). The variable alone is not believed: every process the application
	 * starts inherits it.
	 * @param environment the process's environment
	 * @return whether a supervisor already watches this process
	 */
	static boolean isSupervisedGeneration(Map<String, String> environment) {
		String supervisor = environment.get(Supervisor.SUPERVISOR_PID_VARIABLE);
		if (supervisor == null) {
			return false;
		}
		String parent = ProcessHandle.current().parent().map((handle) -> Long.toString(handle.pid())).orElse("");
		return supervisor.equals(parent) || Generation.current().isChild();
	}

	/**
	 * Whether the starter's reloads can run in this application, as far as the
	 * conditions of its auto-configuration can be known this early: a servlet
	 * application on Tomcat.
	 */
	private static boolean reloadsCanRun(ApplicationEnvironmentPreparedEvent event) {
		return event.getSpringApplication().getWebApplicationType() == WebApplicationType.SERVLET
				&& ReloadPlatform.isTomcatPresent(event.getSpringApplication().getClassLoader());
	}

	private static @Nullable SupervisorMode configuredMode(Environment environment) {
		try {
			return Binder.get(environment)
				.bind("zerodowntime.supervisor", SupervisorMode.class)
				.orElse(SupervisorMode.AUTO);
		}
		catch (RuntimeException ex) {
			// reported, naming the property, when the properties are bound
			return null;
		}
	}

	private static @Nullable String parentCommand(ProcessHandle self) {
		return self.parent().map((parent) -> {
			try {
				return Files.readString(Path.of("/proc", Long.toString(parent.pid()), "comm"), StandardCharsets.UTF_8)
					.trim();
			}
			catch (IOException ex) {
				return null;
			}
		}).orElse(null);
	}

	static @Nullable NotifySocket systemd() {
		String address = System.getenv("NOTIFY_SOCKET");
		return (address != null && !address.isEmpty()) ? NotifySocket.of(address) : null;
	}

	static List<String> stopSignals(@Nullable String reloadSignal) {
		List<String> signals = new ArrayList<>(List.of("TERM", "INT"));
		// a hangup stops a JVM, unless HUP is what triggers reloads
		if (!"HUP".equals(reloadSignal)) {
			signals.add("HUP");
		}
		return signals;
	}

}
