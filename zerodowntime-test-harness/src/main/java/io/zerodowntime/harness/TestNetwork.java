package io.zerodowntime.harness;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Where a test's processes and client threads talk: the host's loopback, or a network
 * namespace the test created.
 */
public interface TestNetwork extends AutoCloseable {

	/**
	 * Executors for one-off requests, one per network.
	 */
	ConcurrentHashMap<TestNetwork, ExecutorService> EXECUTORS = new ConcurrentHashMap<>();

	/**
	 * Wrap a command so that it runs in this network.
	 */
	List<String> wrap(List<String> command);

	/**
	 * Threads whose sockets are in this network.
	 */
	ThreadFactory threads();

	/**
	 * Run a task on a thread of this network, asynchronously.
	 */
	default <T> CompletableFuture<T> async(Callable<T> task) {
		ExecutorService executor = EXECUTORS.computeIfAbsent(this, (network) -> Executors.newCachedThreadPool((r) -> {
			Thread thread = network.threads().newThread(r);
			thread.setDaemon(true);
			return thread;
		}));
		return CompletableFuture.supplyAsync(() -> {
			try {
				return task.call();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, executor);
	}

	/**
	 * Run a task on a thread of this network and wait for it.
	 */
	default <T> T call(Callable<T> task) throws Exception {
		try {
			return async(task).get();
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() instanceof IllegalStateException state && state.getCause() != null)
					? state.getCause() : ex.getCause();
			throw (cause instanceof Exception exception) ? exception : ex;
		}
	}

	@Override
	default void close() throws Exception {
		ExecutorService executor = EXECUTORS.remove(this);
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	/**
	 * The host's own network, unchanged.
	 */
	static TestNetwork host() {
		return new TestNetwork() {

			@Override
			public List<String> wrap(List<String> command) {
				return command;
			}

			@Override
			public ThreadFactory threads() {
				return Thread::new;
			}

		};
	}

}
