package io.zerodowntime.actuate;

import io.zerodowntime.reload.HealthProbe;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;

/**
 * A {@link HealthProbe} on Actuator's health endpoint: the {@code readiness} group when
 * the application defines it, overall health otherwise.
 *
 * @author zerodowntime
 */
public class ActuatorHealthProbe implements HealthProbe {

	private static final String READINESS_GROUP = "readiness";

	private final HealthEndpoint healthEndpoint;

	public ActuatorHealthProbe(HealthEndpoint healthEndpoint) {
		this.healthEndpoint = healthEndpoint;
	}

	@Override
	public Result check() {
		HealthDescriptor health = this.healthEndpoint.healthForPath(READINESS_GROUP);
		String source = READINESS_GROUP + " group";
		if (health == null) {
			health = this.healthEndpoint.health();
			source = "overall health";
		}
		StringBuilder details = new StringBuilder(source);
		describeUnhealthy(health, "", details);
		return new Result(health.getStatus().getCode(), details.toString());
	}

	/**
	 * Append the components that are not {@code UP}, with their details, so that the
	 * parent's log says what is wrong and not only that something is.
	 */
	private void describeUnhealthy(@Nullable HealthDescriptor health, String name, StringBuilder out) {
		if (health == null || Status.UP.equals(health.getStatus())) {
			return;
		}
		if (health instanceof CompositeHealthDescriptor composite && composite.getComponents() != null) {
			composite.getComponents()
				.forEach((component, child) -> describeUnhealthy(child,
						name.isEmpty() ? component : name + "/" + component, out));
		}
		else if (!name.isEmpty()) {
			out.append("; ").append(name).append(' ').append(health.getStatus().getCode());
			if (health instanceof IndicatedHealthDescriptor indicated && !indicated.getDetails().isEmpty()) {
				out.append(' ').append(indicated.getDetails());
			}
		}
	}

}
