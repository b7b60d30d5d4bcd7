/**
 * The Tomcat protocol an application names for an additional connector that reloads
 * should hand over.
 */
@NullMarked
package io.zerodowntime.tomcat;

import org.jspecify.annotations.NullMarked;
