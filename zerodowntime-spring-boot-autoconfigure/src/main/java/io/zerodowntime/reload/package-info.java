/**
 * The public API of reloads: the {@link io.zerodowntime.reload.Reloader}, its status and
 * outcomes, the {@link io.zerodowntime.reload.ReloadListener} and
 * {@link io.zerodowntime.reload.PreflightCheck} extension points, the
 * {@link io.zerodowntime.reload.HealthProbe} that gates a takeover, and the exceptions a
 * refused reload throws.
 */
@NullMarked
package io.zerodowntime.reload;

import org.jspecify.annotations.NullMarked;
