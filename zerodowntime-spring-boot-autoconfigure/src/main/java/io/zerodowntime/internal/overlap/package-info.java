/**
 * Background work across the overlap of two generations: scheduled tasks and lifecycle
 * components (message listeners) run in the serving generation only. A child starts them
 * once it has taken over; a parent stops them, letting a run in progress finish, before it
 * tells the child that the handover is complete. Internal wiring, not API: it may change in
 * any release.
 */
@NullMarked
package io.zerodowntime.internal.overlap;

import org.jspecify.annotations.NullMarked;
