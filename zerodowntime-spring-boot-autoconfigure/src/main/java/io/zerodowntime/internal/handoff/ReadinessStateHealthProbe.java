package io.zerodowntime.internal.handoff;

import io.zerodowntime.reload.HealthProbe;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;

/**
 * A {@link HealthProbe} for applications without Actuator health: up once the readiness
 * state is {@link ReadinessState#ACCEPTING_TRAFFIC}.
 *
 * @author zerodowntime
 */
public class ReadinessStateHealthProbe implements HealthProbe {

	private final ApplicationAvailability availability;

	public ReadinessStateHealthProbe(ApplicationAvailability availability) {
		this.availability = availability;
	}

	@Override
	public Result check() {
		ReadinessState state = this.availability.getReadinessState();
		return new Result((state == ReadinessState.ACCEPTING_TRAFFIC) ? "UP" : "OUT_OF_SERVICE",
				"readiness " + state);
	}

}
