/**
 * The Spring-free core of a reload: capturing this process's command line, launching the
 * next generation, the private control channel between the generations and the
 * {@link io.zerodowntime.reload.Reloader} state machine.
 */
@NullMarked
package io.zerodowntime.reload;

import org.jspecify.annotations.NullMarked;
