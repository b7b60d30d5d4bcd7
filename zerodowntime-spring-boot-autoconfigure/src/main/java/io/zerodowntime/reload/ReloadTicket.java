package io.zerodowntime.reload;

/**
 * The answer to an accepted trigger: the reload's id and the pid of the child it spawned.
 *
 * @param id the reload's id
 * @param childPid the spawned child's pid
 * @author zerodowntime
 * @since 0.1.0
 */
public record ReloadTicket(String id, long childPid) {

}
