/**
 * Notifications to systemd (the {@code sd_notify} protocol) about reloads.
 */
@NullMarked
package io.zerodowntime.systemd;

import org.jspecify.annotations.NullMarked;
