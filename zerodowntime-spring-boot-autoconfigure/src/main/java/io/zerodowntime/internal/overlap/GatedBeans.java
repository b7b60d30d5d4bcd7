package io.zerodowntime.internal.overlap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.zerodowntime.reload.ServingGenerationOnly;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Which lifecycle beans run in the serving generation only: those named or typed in the
 * properties, those annotated {@link ServingGenerationOnly}, and Spring's message listener
 * registries and containers (JMS, AMQP, Kafka) when they are on the class path.
 *
 * @author zerodowntime
 */
final class GatedBeans {

	private static final List<String> MESSAGE_LISTENER_TYPES = List.of(
			"org.springframework.jms.config.JmsListenerEndpointRegistry",
			"org.springframework.jms.listener.AbstractJmsListeningContainer",
			"org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry",
			"org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer",
			"org.springframework.kafka.config.KafkaListenerEndpointRegistry",
			"org.springframework.kafka.listener.MessageListenerContainer");

	private final Set<String> names;

	private final List<Class<?>> types;

	GatedBeans(Set<String> names, List<Class<?>> types, @Nullable ClassLoader classLoader) {
		this.names = Set.copyOf(names);
		List<Class<?>> all = new ArrayList<>(types);
		for (String type : MESSAGE_LISTENER_TYPES) {
			if (ClassUtils.isPresent(type, classLoader)) {
				all.add(ClassUtils.resolveClassName(type, classLoader));
			}
		}
		this.types = List.copyOf(all);
	}

	boolean isGated(String beanName, ConfigurableListableBeanFactory beanFactory) {
		if (this.names.contains(beanName)) {
			return true;
		}
		for (Class<?> type : this.types) {
			if (beanFactory.isTypeMatch(beanName, type)) {
				return true;
			}
		}
		return beanFactory.findAnnotationOnBean(beanName, ServingGenerationOnly.class) != null;
	}

}
