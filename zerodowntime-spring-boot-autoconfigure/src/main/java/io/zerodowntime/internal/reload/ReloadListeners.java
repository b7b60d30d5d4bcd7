package io.zerodowntime.internal.reload;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.zerodowntime.reload.ReloadListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The {@link ReloadListener listeners} of a {@link ReloadCoordinator}. A listener is told what
 * happened; it never changes what happens next: one that throws is logged and the reload
 * goes on as if it had returned.
 *
 * @author zerodowntime
 */
final class ReloadListeners {

	private static final Log logger = LogFactory.getLog(ReloadListeners.class);

	private final List<ReloadListener> listeners = new CopyOnWriteArrayList<>();

	void add(ReloadListener listener) {
		if (!this.listeners.contains(listener)) {
			this.listeners.add(listener);
		}
	}

	void tell(String event, Consumer<ReloadListener> call) {
		for (ReloadListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Reload listener " + listener.getClass().getName() + " failed on '" + event
						+ "'; the reload goes on regardless", ex);
			}
		}
	}

}
