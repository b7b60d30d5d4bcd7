/**
 * Tomcat integration: an NIO endpoint whose listener can be shared with the next
 * generation, opened only once the parent has acknowledged the child, and closed for
 * accepting without dropping a single open connection.
 */
@NullMarked
package io.zerodowntime.tomcat;

import org.jspecify.annotations.NullMarked;
