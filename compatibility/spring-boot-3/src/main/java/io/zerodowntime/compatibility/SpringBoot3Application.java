package io.zerodowntime.compatibility;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's Spring Boot 3 application that added the starter.
 */
@SpringBootApplication
@RestController
public class SpringBoot3Application {

	@GetMapping("/")
	String hello() {
		return "pid=" + ProcessHandle.current().pid() + " Spring Boot " + SpringBootVersion.getVersion();
	}

	public static void main(String[] args) {
		SpringApplication.run(SpringBoot3Application.class, args);
	}

}
