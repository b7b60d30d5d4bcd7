package io.zerodowntime.autoconfigure;

import io.zerodowntime.internal.reload.ReloadCoordinator;
import io.zerodowntime.reload.ReloadListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Adds every {@link ReloadListener} bean, the application's own included, to the
 * {@link ReloadCoordinator} once all singletons exist, so that a listener may itself depend on
 * the reloader (metrics read its status).
 *
 * @author zerodowntime
 */
class ReloadListenerRegistrar implements SmartInitializingSingleton {

	private final ReloadCoordinator reloader;

	private final ObjectProvider<ReloadListener> listeners;

	ReloadListenerRegistrar(ReloadCoordinator reloader, ObjectProvider<ReloadListener> listeners) {
		this.reloader = reloader;
		this.listeners = listeners;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.listeners.orderedStream().forEach(this.reloader::addListener);
	}

}
