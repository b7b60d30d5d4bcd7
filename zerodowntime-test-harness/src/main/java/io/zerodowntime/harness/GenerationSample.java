package io.zerodowntime.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one generation holds once it serves under load, read from {@code /proc}.
 */
public record GenerationSample(int generation, long pid, long descriptors, long otherDescriptors, long threads,
		long residentKib, String commandLine, Set<String> environmentNames, long temporaryFiles) {

	public static GenerationSample of(int generation, long pid, Path temporaryDirectory) throws IOException {
		Path proc = Path.of("/proc", Long.toString(pid));
		long descriptors = 0;
		long otherDescriptors = 0;
		try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
			for (Path fd : fds.toList()) {
				descriptors++;
				if (!linkTarget(fd).startsWith("socket:")) {
					otherDescriptors++;
				}
			}
		}
		List<String> status = Files.readAllLines(proc.resolve("status"));
		long threads = statusValue(status, "Threads:");
		long residentKib = statusValue(status, "VmRSS:");
		String commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
			.replace('\0', ' ');
		Set<String> environmentNames = Arrays
			.stream(new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8).split("\0"))
			.map((entry) -> entry.substring(0, Math.max(0, entry.indexOf('='))))
			.collect(Collectors.toCollection(TreeSet::new));
		long temporaryFiles;
		try (Stream<Path> entries = Files.list(temporaryDirectory)) {
			temporaryFiles = entries.count();
		}
		return new GenerationSample(generation, pid, descriptors, otherDescriptors, threads, residentKib, commandLine,
				environmentNames, temporaryFiles);
	}

	/**
	 * The resident memory of a process ({@code VmRSS}), in KiB.
	 */
	public static long residentKib(long pid) throws IOException {
		return statusValue(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")), "VmRSS:");
	}

	private static long statusValue(List<String> status, String key) {
		return status.stream()
			.filter((line) -> line.startsWith(key))
			.mapToLong((line) -> Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]))
			.findFirst()
			.orElseThrow();
	}

	private static String linkTarget(Path fd) {
		try {
			return Files.readSymbolicLink(fd).toString();
		}
		catch (IOException ex) {
			return "";
		}
	}

	@Override
	public String toString() {
		return "generation " + this.generation + " pid " + this.pid + ": " + this.descriptors + " fds ("
				+ this.otherDescriptors + " not sockets), " + this.threads + " threads, " + this.residentKib / 1024
				+ " MiB resident, " + this.temporaryFiles + " entries in java.io.tmpdir";
	}

}
