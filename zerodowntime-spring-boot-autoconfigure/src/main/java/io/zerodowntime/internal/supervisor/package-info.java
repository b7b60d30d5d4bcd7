/**
 * The supervisor: a small process with a stable pid, the one the user, systemd or the
 * container runtime started. It starts generation 0, adopts every later generation as a
 * child subreaper, forwards stop and reload signals to the serving generation, relays its
 * readiness to systemd and exits with its status. Spring-free but for the listener that
 * enters it. Not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.supervisor;

import org.jspecify.annotations.NullMarked;
