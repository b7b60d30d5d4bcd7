/**
 * What the starter needs from the platform it runs on (Linux, Spring Boot 4, Tomcat),
 * checked before the application context exists. Internal wiring, not API: it may change
 * in any release.
 */
@NullMarked
package io.zerodowntime.internal.platform;

import org.jspecify.annotations.NullMarked;
