package io.zerodowntime.internal.platform;

import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReloadPlatform}, the checks the early listeners make.
 */
class ReloadPlatformTests {

	private final ClassLoader classLoader = getClass().getClassLoader();

	@Test
	void enabledOnLinuxWithSpringBoot4() {
		assertThat(ReloadPlatform.isEnabled(environment("true", "Linux"), this.classLoader)).isTrue();
	}

	@Test
	void offUnlessEnabled() {
		assertThat(ReloadPlatform.isEnabled(environment("false", "Linux"), this.classLoader)).isFalse();
		assertThat(ReloadPlatform.isEnabled(new MockEnvironment().withProperty("os.name", "Linux"), this.classLoader))
			.isFalse();
	}

	@Test
	void offOnAnotherSystem() {
		assertThat(ReloadPlatform.isEnabled(environment("true", "Mac OS X"), this.classLoader)).isFalse();
	}

	@Test
	void offOnAnOlderSpringBoot() {
		ClassLoader springBoot3 = new FilteredClassLoader(ReloadPlatform.SPRING_BOOT_4_CLASS::equals);
		assertThat(ReloadPlatform.isSpringBoot4(springBoot3)).isFalse();
		assertThat(ReloadPlatform.isEnabled(environment("true", "Linux"), springBoot3)).isFalse();
	}

	@Test
	void tomcatNeedsBothTomcatAndSpringBootsTomcatSupport() {
		assertThat(ReloadPlatform.isTomcatPresent(this.classLoader)).isTrue();
		assertThat(ReloadPlatform.isTomcatPresent(new FilteredClassLoader(Tomcat.class))).isFalse();
		assertThat(ReloadPlatform.isTomcatPresent(new FilteredClassLoader(ReloadPlatform.TOMCAT_FACTORY_CLASS::equals)))
			.isFalse();
	}

	private static MockEnvironment environment(String enabled, String osName) {
		return new MockEnvironment().withProperty("zerodowntime.enabled", enabled).withProperty("os.name", osName);
	}

}
