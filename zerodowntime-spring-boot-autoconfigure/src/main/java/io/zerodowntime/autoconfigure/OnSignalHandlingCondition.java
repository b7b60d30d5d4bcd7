package io.zerodowntime.autoconfigure;

import io.zerodowntime.internal.signal.ReloadSignal;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code zerodowntime.signal} turns signal handling off.
 *
 * @author zerodowntime
 */
class OnSignalHandlingCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String signal = context.getEnvironment().getProperty("zerodowntime.signal", "USR2");
		if (ReloadSignal.nameOf(signal) == null) {
			return ConditionOutcome.noMatch("zerodowntime.signal is '" + signal + "'");
		}
		return ConditionOutcome.match("zerodowntime.signal is " + signal);
	}

}
