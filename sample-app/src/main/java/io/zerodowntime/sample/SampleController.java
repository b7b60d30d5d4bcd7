package io.zerodowntime.sample;

import io.zerodowntime.reload.Generation;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers who served a request, and a slow request for drain tests.
 *
 * @author zerodowntime
 */
@RestController
public class SampleController {

	private final String identity;

	public SampleController() {
		Generation generation = Generation.current();
		this.identity = "pid=" + generation.pid() + " generation=" + generation.number();
	}

	@GetMapping("/")
	public String hello() {
		return this.identity + "\n";
	}

	@GetMapping("/slow")
	public String slow(@RequestParam(defaultValue = "1000") long ms) throws InterruptedException {
		Thread.sleep(Math.min(Math.max(ms, 0), 600_000));
		return this.identity + " slept=" + ms + "\n";
	}

}
