package io.zerodowntime.compatibility;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application secured with Spring Security, with the README's set-up for the reload
 * endpoint: HTTP Basic, a role, and no CSRF token asked of a script.
 */
@SpringBootApplication
@RestController
public class SecuredApplication {

	@GetMapping("/")
	String hello() {
		return "pid=" + ProcessHandle.current().pid();
	}

	@Bean
	@Order(1)
	SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to("health"))
				.permitAll()
				.requestMatchers(EndpointRequest.to("reload"))
				.hasRole("OPS")
				.anyRequest()
				.denyAll())
			.httpBasic(Customizer.withDefaults())
			// a deploy script is not a browser session: it has no CSRF token to send
			.csrf((csrf) -> csrf.ignoringRequestMatchers(EndpointRequest.to("reload")))
			.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain applicationSecurity(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(User.withUsername("ops").password("{noop}ops-secret").roles("OPS").build(),
				User.withUsername("viewer").password("{noop}viewer-secret").roles("VIEWER").build());
	}

	public static void main(String[] args) {
		SpringApplication.run(SecuredApplication.class, args);
	}

}
