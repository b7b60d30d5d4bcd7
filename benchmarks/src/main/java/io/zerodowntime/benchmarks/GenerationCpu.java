package io.zerodowntime.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CPU time the old generation and its child use around a reload, read from
 * {@code /proc/<pid>/stat} every quarter of a second: which of the two JVMs the cores
 * went to while the child started and in the seconds after the takeover.
 */
final class GenerationCpu implements AutoCloseable {

	private static final long SAMPLE_MILLIS = 250;

	/**
	 * Clock ticks a second in {@code /proc/<pid>/stat} on Linux.
	 */
	private static final long TICKS_PER_SECOND = 100;

	private final long oldPid;

	private final List<long[]> samples = new ArrayList<>();

	private final Thread sampler;

	private volatile boolean running = true;

	private long childPid;

	private long oldMillis;

	private long childMillis;

	GenerationCpu(long oldPid) {
		this.oldPid = oldPid;
		this.sampler = new Thread(this::sample, "generation-cpu");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	private void sample() {
		while (this.running) {
			if (this.childPid == 0) {
				Optional<ProcessHandle> child = ProcessHandle.of(this.oldPid).stream().flatMap(ProcessHandle::children)
					.findFirst();
				child.ifPresent((handle) -> this.childPid = handle.pid());
			}
			// a process that exited reads as its last value
			this.oldMillis = Math.max(this.oldMillis, cpuMillis(this.oldPid));
			this.childMillis = Math.max(this.childMillis, cpuMillis(this.childPid));
			long[] sample = { System.nanoTime(), this.oldMillis, this.childMillis };
			synchronized (this.samples) {
				this.samples.add(sample);
			}
			try {
				Thread.sleep(SAMPLE_MILLIS);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/**
	 * The share of one core each generation used between two instants: {old, child}.
	 */
	double[] cores(long from, long to) {
		long[] first = null;
		long[] last = null;
		synchronized (this.samples) {
			for (long[] sample : this.samples) {
				if (sample[0] >= from && sample[0] <= to) {
					if (first == null) {
						first = sample;
					}
					last = sample;
				}
			}
		}
		if (first == null || last == first) {
			return new double[] { Double.NaN, Double.NaN };
		}
		double millis = (last[0] - first[0]) / 1e6;
		return new double[] { (last[1] - first[1]) / millis, (last[2] - first[2]) / millis };
	}

	private static long cpuMillis(long pid) {
		if (pid == 0) {
			return -1;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// utime and stime: fields 14 and 15 of the line, 12 and 13 after the command
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * 1000 / TICKS_PER_SECOND;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.sampler.interrupt();
		this.sampler.join();
	}

}
