/**
 * Commands an operator or a service manager runs next to the service.
 */
@NullMarked
package io.zerodowntime.cli;

import org.jspecify.annotations.NullMarked;
