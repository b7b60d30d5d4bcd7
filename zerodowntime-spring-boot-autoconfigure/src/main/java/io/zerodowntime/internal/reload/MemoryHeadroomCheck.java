package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import io.zerodowntime.reload.MemoryCheck;
import io.zerodowntime.reload.PreflightCheck;
import io.zerodowntime.reload.ReloadRefusedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Checks, before a spawn, that there is room for the next generation next to this one:
 * for a while both run, and the new one will need about as much memory as this one holds
 * (its resident set). Room is the kernel's {@code MemAvailable}, or less if this process's
 * cgroup (v2, as systemd's {@code MemoryMax=} sets it) has a limit.
 *
 * @author zerodowntime
 */
public final class MemoryHeadroomCheck implements PreflightCheck {

	private static final Log logger = LogFactory.getLog(MemoryHeadroomCheck.class);

	private static final long MIB = 1024 * 1024;

	private final MemoryCheck mode;

	private final Path proc;

	private final Path cgroupRoot;

	public MemoryHeadroomCheck(MemoryCheck mode) {
		this(mode, Path.of("/proc"), Path.of("/sys/fs/cgroup"));
	}

	MemoryHeadroomCheck(MemoryCheck mode, Path proc, Path cgroupRoot) {
		this.mode = mode;
		this.proc = proc;
		this.cgroupRoot = cgroupRoot;
	}

	@Override
	public void check() {
		if (this.mode == MemoryCheck.OFF) {
			return;
		}
		String shortage;
		try {
			shortage = shortage();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Memory headroom not checked: " + ex);
			return;
		}
		if (shortage == null) {
			return;
		}
		if (this.mode == MemoryCheck.REFUSE) {
			throw new ReloadRefusedException(shortage + " (zerodowntime.memory-check=refuse)");
		}
		logger.warn(shortage + "; reloading anyway (zerodowntime.memory-check=warn)");
	}

	private @Nullable String shortage() throws IOException {
		long resident = kibibytes(this.proc.resolve("self/status"), "VmRSS:") * 1024;
		long available = kibibytes(this.proc.resolve("meminfo"), "MemAvailable:") * 1024;
		String where = "MemAvailable";
		OptionalLong cgroupRoom = cgroupRoom();
		if (cgroupRoom.isPresent() && cgroupRoom.getAsLong() < available) {
			available = cgroupRoom.getAsLong();
			where = "memory.max of this process's cgroup";
		}
		if (available >= resident) {
			return null;
		}
		return "the next generation needs about as much memory as this one (resident " + resident / MIB
				+ " MiB), but only " + available / MIB + " MiB are available (" + where + ")";
	}

	private OptionalLong cgroupRoom() throws IOException {
		Path membership = this.proc.resolve("self/cgroup");
		if (!Files.isReadable(membership)) {
			return OptionalLong.empty();
		}
		for (String line : Files.readAllLines(membership)) {
			if (line.startsWith("0::")) {
				Path cgroup = this.cgroupRoot.resolve(line.substring(3).replaceFirst("^/", ""));
				Path max = cgroup.resolve("memory.max");
				Path current = cgroup.resolve("memory.current");
				if (!Files.isReadable(max) || !Files.isReadable(current)) {
					return OptionalLong.empty();
				}
				String limit = Files.readString(max).trim();
				if (limit.equals("max")) {
					return OptionalLong.empty();
				}
				long room = Long.parseLong(limit) - Long.parseLong(Files.readString(current).trim());
				return OptionalLong.of(Math.max(0, room));
			}
		}
		return OptionalLong.empty();
	}

	private static long kibibytes(Path file, String key) throws IOException {
		List<String> lines = Files.readAllLines(file);
		for (String line : lines) {
			if (line.startsWith(key)) {
				return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
			}
		}
		throw new IOException("no " + key + " in " + file);
	}

}
