package io.zerodowntime.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.zerodowntime.reload.HandoffMode;
import io.zerodowntime.reload.LongLivedDrain;
import io.zerodowntime.reload.MemoryCheck;
import io.zerodowntime.reload.SupervisorMode;
import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata an IDE reads from the jar: the processor's output
 * merged with {@code additional-spring-configuration-metadata.json}.
 */
class ConfigurationMetadataTests {

	private final Map<String, Object> metadata = read();

	@Test
	void everyPropertyIsDescribed() {
		assertThat(properties()).isNotEmpty().allSatisfy((property) -> assertThat(property.get("description"))
			.as("description of %s", property.get("name"))
			.asString()
			.isNotBlank());
	}

	@Test
	void theInfoContributorSwitchIsKnown() {
		assertThat(properties()).extracting((property) -> property.get("name"))
			.contains("management.info.zerodowntime.enabled");
	}

	@Test
	void internalStateIsNotAProperty() {
		assertThat(properties()).extracting((property) -> property.get("name"))
			.doesNotContain("zerodowntime.background-work.resolved-bean-types");
	}

	@Test
	void eachEnumPropertyOffersEveryValueWithADescription() {
		assertHintValues("zerodowntime.handoff", HandoffMode.values());
		assertHintValues("zerodowntime.memory-check", MemoryCheck.values());
		assertHintValues("zerodowntime.supervisor", SupervisorMode.values());
		assertHintValues("zerodowntime.websocket-drain", LongLivedDrain.values());
		assertHintValues("zerodowntime.streaming-drain", LongLivedDrain.values());
	}

	@Test
	void theSignalOffersTheUsualOnesAndNone() {
		assertThat(hintValues("zerodowntime.signal")).containsExactly("USR2", "USR1", "HUP", "none");
	}

	private void assertHintValues(String property, Enum<?>[] constants) {
		List<String> expected = Arrays.stream(constants)
			.map((constant) -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'))
			.toList();
		assertThat(hintValues(property)).as("values offered for %s", property).containsExactlyElementsOf(expected);
	}

	@SuppressWarnings("unchecked")
	private List<String> hintValues(String property) {
		List<Map<String, Object>> hints = (List<Map<String, Object>>) this.metadata.get("hints");
		Map<String, Object> hint = hints.stream()
			.filter((candidate) -> property.equals(candidate.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no hint for " + property));
		List<Map<String, Object>> values = (List<Map<String, Object>>) hint.get("values");
		assertThat(values).allSatisfy((value) -> assertThat(value.get("description")).asString().isNotBlank());
		return values.stream().map((value) -> String.valueOf(value.get("value"))).toList();
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> properties() {
		return (List<Map<String, Object>>) this.metadata.get("properties");
	}

	private static Map<String, Object> read() {
		try (InputStream json = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(json).as("generated metadata on the class path").isNotNull();
			return JsonParserFactory.getJsonParser().parseMap(new String(json.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
