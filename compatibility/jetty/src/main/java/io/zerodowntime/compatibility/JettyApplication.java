package io.zerodowntime.compatibility;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's Spring MVC application on Jetty that added the starter.
 */
@SpringBootApplication
@RestController
public class JettyApplication {

	@GetMapping("/")
	String hello() {
		return "pid=" + ProcessHandle.current().pid() + " on Jetty";
	}

	public static void main(String[] args) {
		SpringApplication.run(JettyApplication.class, args);
	}

}
