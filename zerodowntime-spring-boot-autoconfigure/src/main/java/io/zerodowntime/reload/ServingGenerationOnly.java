package io.zerodowntime.reload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link org.springframework.context.SmartLifecycle SmartLifecycle} bean (a
 * message listener container, a consumer, a poller of your own) whose work must run in one
 * generation at a time: a new generation starts it only once it has taken over, and the
 * old generation stops it (letting work in progress finish) before that. On a bean class
 * or on a {@code @Bean} method. Beans can also be listed by name or type with
 * {@code zerodowntime.background-work.bean-names} and {@code bean-types}.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ServingGenerationOnly {

}
