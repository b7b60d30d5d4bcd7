package io.zerodowntime.internal.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import io.zerodowntime.reload.ReloadRefusedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Checks, before a spawn, the class data archives the command line names: a CDS archive
 * ({@code -XX:SharedArchiveFile}) or a Java 25 AOT cache ({@code -XX:AOTCache}). Each is
 * made by a training run of one jar, and the JVM uses it only with that jar: once a new jar
 * is in place, an archive older than the jar was made for the old one, and the new
 * generation starts without it (slower), or not at all where the command line requires it
 * ({@code -Xshare:on}, {@code -XX:AOTMode=on}). On JDK 25.0.0 to 25.0.3 the JVM may even
 * fail to reject an AOT cache made for the jar that was at the same path before
 * (JDK-8377932), and the new generation could run the old jar's classes. The first is
 * logged; the others refuse the reload, with what to do.
 *
 * @author zerodowntime
 */
final class ClassArchives {

	private static final Log logger = LogFactory.getLog(ClassArchives.class);

	private static final String CDS = "-XX:SharedArchiveFile=";

	private static final String AOT = "-XX:AOTCache=";

	private static final String RETRAIN = "make the archive again with the new jar (a training run) before the reload";

	private final List<Archive> archives;

	private final Path jar;

	private final Runtime.Version java;

	private ClassArchives(List<Archive> archives, Path jar, Runtime.Version java) {
		this.archives = archives;
		this.jar = jar;
		this.java = java;
	}

	/**
	 * The archives named by the options of a command line that runs a jar.
	 * @param jvmOptions the options before {@code -jar}
	 * @param workingDirectory where the command runs (relative paths start there)
	 * @param jar the jar the command runs
	 * @param java the version of the JVM that runs the command
	 */
	static ClassArchives of(List<String> jvmOptions, Path workingDirectory, Path jar, Runtime.Version java) {
		boolean shareRequired = jvmOptions.contains("-Xshare:on");
		boolean aotRequired = jvmOptions.contains("-XX:AOTMode=on");
		List<Archive> archives = new ArrayList<>();
		for (String option : jvmOptions) {
			if (option.startsWith(CDS)) {
				// a static and a dynamic archive may be named together
				for (String path : option.substring(CDS.length()).split(":")) {
					if (!path.isEmpty()) {
						archives.add(new Archive("CDS archive", workingDirectory.resolve(path), shareRequired, false));
					}
				}
			}
			else if (option.startsWith(AOT)) {
				archives.add(new Archive("AOT cache", workingDirectory.resolve(option.substring(AOT.length())),
						aotRequired, true));
			}
		}
		return new ClassArchives(archives, jar, java);
	}

	/**
	 * Check that the next generation will start with the archives, or can do without
	 * them.
	 * @return what the reload should report: each archive the next generation will start
	 * without
	 * @throws ReloadRefusedException if it cannot start, or could run stale classes
	 */
	List<String> check() {
		List<String> notes = new ArrayList<>();
		for (Archive archive : this.archives) {
			Problem problem = problem(archive);
			if (problem == null) {
				continue;
			}
			if (archive.required()) {
				throw new ReloadRefusedException(problem.text() + ", and the command line requires it ("
						+ (archive.aot() ? "-XX:AOTMode=on" : "-Xshare:on") + "): " + RETRAIN);
			}
			if (archive.aot() && problem.madeForAnOlderJar() && isStaleAotCacheUndetected()) {
				throw new ReloadRefusedException(problem.text() + ", and JDK " + this.java
						+ " may not reject it (JDK-8377932): the new generation could run the old jar's classes. "
						+ capitalize(RETRAIN) + ", or run JDK 25.0.4 or later");
			}
			String note = problem.text() + ": the new generation starts without it, more slowly";
			logger.warn(note + ". To keep it, " + RETRAIN);
			notes.add(note);
		}
		return notes;
	}

	private @Nullable Problem problem(Archive archive) {
		if (!Files.isRegularFile(archive.path())) {
			return new Problem("The " + archive.kind() + " " + archive.path() + " does not exist", false);
		}
		try {
			FileTime made = Files.getLastModifiedTime(archive.path());
			FileTime jarChanged = Files.getLastModifiedTime(this.jar);
			if (made.compareTo(jarChanged) < 0) {
				return new Problem("The " + archive.kind() + " " + archive.path() + " was made before " + this.jar
						+ " last changed (" + made + " < " + jarChanged + ")", true);
			}
			return null;
		}
		catch (IOException ex) {
			return new Problem(
					"The " + archive.kind() + " " + archive.path() + " cannot be compared with " + this.jar + " (" + ex + ")",
					false);
		}
	}

	private boolean isStaleAotCacheUndetected() {
		return this.java.feature() == 25 && this.java.update() <= 3;
	}

	private static String capitalize(String text) {
		return Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	private record Archive(String kind, Path path, boolean required, boolean aot) {

	}

	private record Problem(String text, boolean madeForAnOlderJar) {

	}

}
