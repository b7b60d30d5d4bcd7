/**
 * The Spring-free engine behind {@link io.zerodowntime.reload.Reloader}: admission and
 * state, one attempt per child, capturing this process's command line, launching the next
 * generation, the private control channel between generations, the PID file and the
 * pre-flight checks the starter brings. Not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.reload;

import org.jspecify.annotations.NullMarked;
