/**
 * Actuator integration: the {@code reload} endpoint and the health check that gates a
 * handover.
 */
@NullMarked
package io.zerodowntime.actuate;

import org.jspecify.annotations.NullMarked;
