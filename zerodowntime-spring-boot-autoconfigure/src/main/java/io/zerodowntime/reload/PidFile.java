package io.zerodowntime.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A PID file that is replaced atomically (temporary file in the same directory, then
 * rename), so that a reader never sees it empty or half-written during a handover.
 *
 * @author zerodowntime
 */
public final class PidFile {

	private final Path path;

	public PidFile(Path path) {
		this.path = path.toAbsolutePath();
	}

	/**
	 * Write the pid.
	 * @param pid the pid
	 * @throws IOException if the file cannot be written
	 */
	public void write(long pid) throws IOException {
		Path directory = this.path.getParent();
		Path temporary = directory.resolve("." + this.path.getFileName() + "." + pid + ".tmp");
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
	 * Return the path of the file.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

}
