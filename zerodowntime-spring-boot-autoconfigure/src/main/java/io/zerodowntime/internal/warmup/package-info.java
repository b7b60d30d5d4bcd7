/**
 * Warming a new generation up before it reports ready: requests through its real servlet
 * pipeline, on a private loopback listener of its own, while the shared one stays gated.
 * Internal wiring, not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.warmup;

import org.jspecify.annotations.NullMarked;
