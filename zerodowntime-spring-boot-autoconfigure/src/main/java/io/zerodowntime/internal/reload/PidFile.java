package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.zerodowntime.reload.ReloadRefusedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A PID file that is replaced atomically (temporary file in the same directory, then
 * rename), so that a reader never sees it empty or half-written during a handover.
 *
 * @author zerodowntime
 */
public final class PidFile {

	private static final Log logger = LogFactory.getLog(PidFile.class);

	private final Path path;

	private final Path directory;

	public PidFile(Path path) {
		this.path = path.toAbsolutePath();
		Path directory = this.path.getParent();
		if (directory == null) {
			throw new IllegalArgumentException("PID file " + path + " has no directory");
		}
		this.directory = directory;
	}

	/**
	 * Write the pid.
	 * @param pid the pid
	 * @throws IOException if the file cannot be written
	 */
	public void write(long pid) throws IOException {
		Path temporary = temporaryFile(pid);
		try {
			Files.writeString(temporary, pid + "\n", StandardCharsets.US_ASCII);
			try {
				Files.move(temporary, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.path, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/**
	 * Write the pid; a failure is logged and changes nothing else, because the service
	 * must not suffer from its PID file.
	 * @param pid the pid
	 */
	public void writeOrLogFailure(long pid) {
		try {
			write(pid);
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Could not write PID file " + this.path + " (zerodowntime.pid-file): " + ex
					+ "; the service is not affected");
		}
	}

	/**
	 * Check that the file can be replaced now, as the next generation will do when it
	 * takes over.
	 * @throws ReloadRefusedException if it cannot
	 */
	public void checkWritable() {
		Path probe = temporaryFile(ProcessHandle.current().pid());
		try {
			Files.writeString(probe, "", StandardCharsets.US_ASCII);
			Files.delete(probe);
		}
		catch (IOException | RuntimeException ex) {
			throw new ReloadRefusedException(
					"the PID file " + this.path + " (zerodowntime.pid-file) cannot be written: " + ex);
		}
	}

	private Path temporaryFile(long pid) {
		return this.directory.resolve("." + this.path.getFileName() + "." + pid + ".tmp");
	}

	/**
	 * Return the path of the file.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

}
