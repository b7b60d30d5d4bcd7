package io.zerodowntime.internal.platform;

import java.util.Locale;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The checks the starter's early listeners (the signal handler, the supervisor, the log
 * guard) make before any bean exists. They only use what Spring Boot 3 has too, so that a
 * Spring Boot 3 application with the starter on its class path starts normally.
 *
 * @author zerodowntime
 */
public final class ReloadPlatform {

	/**
	 * A class that Spring Boot 4.0 and later have and Spring Boot 3 does not (it moved in
	 * 4.0), so that its presence tells the line without reading a manifest.
	 */
	public static final String SPRING_BOOT_4_CLASS = "org.springframework.boot.EnvironmentPostProcessor";

	/**
	 * Tomcat's embedded server.
	 */
	public static final String TOMCAT_CLASS = "org.apache.catalina.startup.Tomcat";

	/**
	 * Spring Boot 4's Tomcat web server factory, the one the starter customizes.
	 */
	public static final String TOMCAT_FACTORY_CLASS =
			"org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory";

	private ReloadPlatform() {
	}

	/**
	 * Whether {@code zerodowntime.enabled=true} on Linux with Spring Boot 4: the
	 * conditions under which the early listeners act at all.
	 * @param environment the application's environment
	 * @param classLoader the application's class loader
	 * @return whether the starter may act
	 */
	public static boolean isEnabled(Environment environment, ClassLoader classLoader) {
		return environment.getProperty("zerodowntime.enabled", Boolean.class, false)
				&& isLinux(environment.getProperty("os.name", "")) && isSpringBoot4(classLoader);
	}

	/**
	 * Whether the name is that of Linux, as the {@code os.name} system property gives it.
	 * @param osName the operating system's name
	 * @return whether it is Linux
	 */
	public static boolean isLinux(String osName) {
		return osName.toLowerCase(Locale.ROOT).startsWith("linux");
	}

	/**
	 * Whether the application runs Spring Boot 4.0 or later.
	 * @param classLoader the application's class loader
	 * @return whether the Spring Boot line is supported
	 */
	public static boolean isSpringBoot4(ClassLoader classLoader) {
		return ClassUtils.isPresent(SPRING_BOOT_4_CLASS, classLoader);
	}

	/**
	 * Whether Tomcat and Spring Boot's Tomcat support are on the class path. The
	 * auto-configuration later checks the web server factory the application really
	 * uses.
	 * @param classLoader the application's class loader
	 * @return whether Tomcat can be the embedded web server
	 */
	public static boolean isTomcatPresent(ClassLoader classLoader) {
		return ClassUtils.isPresent(TOMCAT_CLASS, classLoader)
				&& ClassUtils.isPresent(TOMCAT_FACTORY_CLASS, classLoader);
	}

}
