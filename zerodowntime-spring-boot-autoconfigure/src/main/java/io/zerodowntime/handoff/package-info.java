/**
 * The Spring side of a generation's life: reporting readiness to the parent, taking over,
 * writing the PID file, and draining then exiting once a child has taken over.
 */
@NullMarked
package io.zerodowntime.handoff;

import org.jspecify.annotations.NullMarked;
