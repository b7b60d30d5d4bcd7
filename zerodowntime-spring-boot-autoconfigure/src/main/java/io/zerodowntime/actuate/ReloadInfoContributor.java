package io.zerodowntime.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.zerodowntime.reload.ReloadStatus;
import io.zerodowntime.reload.Reloader;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds this process's place in the chain of generations to the {@code info} endpoint.
 *
 * @author zerodowntime
 */
public class ReloadInfoContributor implements InfoContributor {

	private final Reloader reloader;

	public ReloadInfoContributor(Reloader reloader) {
		this.reloader = reloader;
	}

	@Override
	public void contribute(Info.Builder builder) {
		ReloadStatus status = this.reloader.status();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("generation", status.generation());
		details.put("pid", status.pid());
		details.put("parentPid", status.parentPid());
		details.put("handoff", status.handoff().name().toLowerCase(Locale.ROOT));
		details.put("reloads", status.reloads());
		builder.withDetail("zerodowntime", details);
	}

}
