/**
 * Notifications to systemd (the {@code sd_notify} protocol) about reloads. Internal
 * wiring, not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.systemd;

import org.jspecify.annotations.NullMarked;
