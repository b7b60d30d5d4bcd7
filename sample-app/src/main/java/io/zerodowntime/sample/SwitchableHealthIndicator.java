package io.zerodowntime.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * A health indicator that tests can turn {@code DOWN}: when the file named by
 * {@code sample.health-file} contains {@code DOWN} at startup, this generation reports
 * itself unhealthy.
 *
 * @author zerodowntime
 */
@Component("switchable")
public class SwitchableHealthIndicator implements HealthIndicator {

	private final boolean down;

	private final String source;

	public SwitchableHealthIndicator(@Value("${sample.health-file:}") String healthFile) throws IOException {
		Path path = healthFile.isEmpty() ? null : Path.of(healthFile);
		this.down = path != null && Files.exists(path)
				&& Files.readString(path, StandardCharsets.UTF_8).trim().equals("DOWN");
		this.source = (path != null) ? path.toString() : "none";
	}

	@Override
	public Health health() {
		return (this.down ? Health.down() : Health.up()).withDetail("healthFile", this.source).build();
	}

}
