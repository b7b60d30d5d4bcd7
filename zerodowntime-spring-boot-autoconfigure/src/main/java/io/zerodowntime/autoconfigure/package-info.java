/**
 * Auto-configuration for zero-downtime reloads.
 */
@NullMarked
package io.zerodowntime.autoconfigure;

import org.jspecify.annotations.NullMarked;
