/**
 * Triggering a reload with a POSIX signal ({@code SIGUSR2} by default). Internal wiring,
 * not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.signal;

import org.jspecify.annotations.NullMarked;
