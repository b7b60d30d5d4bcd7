/**
 * Triggering a reload with a POSIX signal ({@code SIGUSR2} by default).
 */
package io.zerodowntime.signal;
