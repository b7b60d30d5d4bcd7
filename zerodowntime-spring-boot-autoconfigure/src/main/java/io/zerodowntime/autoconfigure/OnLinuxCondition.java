package io.zerodowntime.autoconfigure;

import io.zerodowntime.internal.platform.ReloadPlatform;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches on Linux: reloads need {@code /proc}, Linux's {@code SO_REUSEPORT} balancing and
 * descriptor passing as Linux does them.
 *
 * @author zerodowntime
 */
class OnLinuxCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String os = context.getEnvironment().getProperty("os.name", "");
		if (ReloadPlatform.isLinux(os)) {
			return ConditionOutcome.match("running on Linux");
		}
		return ConditionOutcome.noMatch("running on " + os + ", not Linux");
	}

}
