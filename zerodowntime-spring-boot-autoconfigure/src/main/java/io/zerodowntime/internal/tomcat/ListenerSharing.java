package io.zerodowntime.internal.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.function.IntSupplier;

import io.zerodowntime.internal.reload.ChildLauncher;
import io.zerodowntime.internal.reload.InheritingChildLauncher;
import io.zerodowntime.reload.HandoffMode;
import org.jspecify.annotations.Nullable;

/**
 * Both halves of one {@link HandoffMode}: how an endpoint gets, binds and gives up its
 * listener, and how the next generation is started so that it can serve the same port.
 *
 * @author zerodowntime
 */
abstract sealed class ListenerSharing permits ListenerSharing.Inherit, ListenerSharing.ReusePort {

	static ListenerSharing of(HandoffMode mode) {
		return (mode == HandoffMode.INHERIT) ? new Inherit() : new ReusePort();
	}

	abstract HandoffMode mode();

	/**
	 * The listener an endpoint serves when it starts, or {@code null} if it binds one
	 * only when it opens.
	 * @param endpoint the endpoint
	 * @param gated whether the endpoint waits for its parent's acknowledgement
	 * @return the listener or {@code null}
	 * @throws IOException if the listener cannot be bound
	 */
	abstract @Nullable ServerSocketChannel listenerAtStart(HandoffNioEndpoint endpoint, boolean gated)
			throws IOException;

	/**
	 * Whether the listener is closed when the endpoint stops accepting, so that the kernel
	 * sends new connections to the other generation's socket. Otherwise both generations
	 * serve the very same socket, which stays open.
	 * @return whether to close the listener on stop
	 */
	abstract boolean closesListenerOnStop();

	/**
	 * Bind a listener for the endpoint, in this mode.
	 * @param endpoint the endpoint
	 * @return the bound listener
	 * @throws IOException if it cannot be bound
	 */
	abstract ServerSocketChannel bind(HandoffNioEndpoint endpoint) throws IOException;

	/**
	 * The launcher that starts the next generation so that it can serve the main listener.
	 * @param mainListenerPort the main listener's port
	 * @return the launcher
	 */
	abstract ChildLauncher childLauncher(IntSupplier mainListenerPort);

	static ServerSocketChannel bind(HandoffNioEndpoint endpoint, boolean reusePort) throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open();
		try {
			endpoint.getSocketProperties().setProperties(channel.socket());
			if (reusePort) {
				channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			}
			channel.bind(new InetSocketAddress(endpoint.getAddress(), endpoint.getPortWithOffset()),
					endpoint.getAcceptCount());
			channel.configureBlocking(true);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * The listening socket travels to the child on descriptor 0; both generations serve
	 * that one socket.
	 */
	static final class Inherit extends ListenerSharing {

		@Override
		HandoffMode mode() {
			return HandoffMode.INHERIT;
		}

		@Override
		@Nullable ServerSocketChannel listenerAtStart(HandoffNioEndpoint endpoint, boolean gated) throws IOException {
			Channel inherited = System.inheritedChannel();
			if (inherited instanceof ServerSocketChannel channel && servesPort(channel, endpoint.getPortWithOffset())) {
				endpoint.markListenerInherited();
				channel.configureBlocking(true);
				return channel;
			}
			if (gated) {
				throw new IllegalStateException("zerodowntime.handoff=inherit, but no listening socket for port "
						+ endpoint.getPortWithOffset() + " was inherited on file descriptor 0 (did the handoff mode "
						+ "change between generations? restart the service to change it)");
			}
			return bind(endpoint);
		}

		private static boolean servesPort(ServerSocketChannel channel, int port) throws IOException {
			return channel.getLocalAddress() instanceof InetSocketAddress address
					&& (port == 0 || address.getPort() == port);
		}

		@Override
		boolean closesListenerOnStop() {
			return false;
		}

		@Override
		ServerSocketChannel bind(HandoffNioEndpoint endpoint) throws IOException {
			return bind(endpoint, false);
		}

		@Override
		ChildLauncher childLauncher(IntSupplier mainListenerPort) {
			return new InheritingChildLauncher(mainListenerPort);
		}

	}

	/**
	 * Each generation binds its own socket with {@code SO_REUSEPORT}: a child only once its
	 * parent has acknowledged it, and from then on it takes every new connection (see
	 * {@link NewestListenerSteering}).
	 */
	static final class ReusePort extends ListenerSharing {

		@Override
		HandoffMode mode() {
			return HandoffMode.REUSEPORT;
		}

		@Override
		@Nullable ServerSocketChannel listenerAtStart(HandoffNioEndpoint endpoint, boolean gated) throws IOException {
			return gated ? null : bind(endpoint);
		}

		@Override
		boolean closesListenerOnStop() {
			return true;
		}

		@Override
		ServerSocketChannel bind(HandoffNioEndpoint endpoint) throws IOException {
			ServerSocketChannel channel = bind(endpoint, true);
			if (channel.getLocalAddress() instanceof InetSocketAddress local) {
				NewestListenerSteering.steer(local.getPort());
			}
			return channel;
		}

		@Override
		ChildLauncher childLauncher(IntSupplier mainListenerPort) {
			return new ChildLauncher();
		}

	}

}
