package io.zerodowntime.reload;

/**
 * Replaces this service with a new generation of itself. The starter registers one as a
 * bean when reloads are enabled; inject it to start a reload from your own code (the
 * signal and {@code POST /actuator/reload} use it too) or to read the reload status.
 * Register {@link ReloadListener} beans to be told what it does.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
public interface Reloader {

	/**
	 * Start a reload: run the pre-flight checks and spawn the next generation, which
	 * takes over once it is healthy. Returns once the child is spawned; the outcome is in
	 * {@link #status()} and told to every {@link ReloadListener}.
	 * @param trigger what triggered it, for the log and the status
	 * @return the reload's id and the spawned child's pid
	 * @throws ReloadConflictException if a reload is already under way
	 * @throws ReloadRefusedException if the reload cannot start; nothing was spawned and
	 * this generation serves on untouched
	 */
	ReloadTicket trigger(String trigger);

	/**
	 * Return a snapshot of the reload state: the state, the counts and the last reload.
	 * @return the status
	 */
	ReloadStatus status();

	/**
	 * Return the generation this process is.
	 * @return the generation
	 */
	Generation getGeneration();

}
