/**
 * Auto-configuration for zero-downtime reloads.
 */
package io.zerodowntime.autoconfigure;
