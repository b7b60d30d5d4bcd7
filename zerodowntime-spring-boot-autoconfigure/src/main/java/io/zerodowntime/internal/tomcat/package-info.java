/**
 * Tomcat integration behind {@link io.zerodowntime.tomcat.HandoffHttp11NioProtocol}: an
 * NIO endpoint whose listener can be shared with the next generation, opened only once the
 * parent has acknowledged the child, and closed for accepting without dropping a single
 * open connection; the connectors of every web server and the way each handoff mode shares
 * them. Not API: it may change in any release.
 */
@NullMarked
package io.zerodowntime.internal.tomcat;

import org.jspecify.annotations.NullMarked;
