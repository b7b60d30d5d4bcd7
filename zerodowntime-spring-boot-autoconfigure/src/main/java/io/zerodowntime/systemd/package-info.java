/**
 * Notifications to systemd (the {@code sd_notify} protocol) about reloads.
 */
package io.zerodowntime.systemd;
