/**
 * Actuator integration: the {@code reload} endpoint and the health check that gates a
 * handover.
 */
package io.zerodowntime.actuate;
