/**
 * Triggering a reload with a POSIX signal ({@code SIGUSR2} by default).
 */
@NullMarked
package io.zerodowntime.signal;

import org.jspecify.annotations.NullMarked;
