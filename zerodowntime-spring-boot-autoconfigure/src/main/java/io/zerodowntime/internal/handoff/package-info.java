/**
 * The Spring side of a generation's life: reporting readiness to the parent, taking over,
 * writing the PID file, and draining then exiting once a child has taken over. Internal
 * wiring, not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.handoff;

import org.jspecify.annotations.NullMarked;
