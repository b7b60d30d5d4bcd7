/**
 * The log file across the overlap of two generations: while both write the same rolling
 * file, neither rotates it. Internal wiring, not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.logging;

import org.jspecify.annotations.NullMarked;
