package dev.rendezvous.decoy.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
    private static final RedactionRules RULES = new RedactionRules(Set.of("cardAgeDays"), Set.of("merchantRisk", "email"),
            Map.of("hour", 1, "name", 3), KEY);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void dropsHashesWithTheKeyAndTruncatesOnlyTheNamedFeatures() throws Exception {
        byte[] request = utf8("{\"id\":\"r-1\",\"app\":\"fraud\",\"features\":{\"amount\":12.5,\"cardAgeDays\":40,\"merchantRisk\":0.8,"
                + "\"hour\":23,\"name\":\"Zoë Example\",\"email\":\"zoe@example.org\"},\"receivedAtMs\":1,\"deadlineAtMs\":2}");

        Redactor.Redacted redacted = new Redactor(RULES).apply(request);

        JsonNode features = JsonCodec.mapper().readTree(redacted.value()).get("features");
        assertThat(features.get("amount").asDouble()).isEqualTo(12.5);
        assertThat(features.has("cardAgeDays")).isFalse();
        assertThat(features.get("merchantRisk").asText()).isEqualTo("hmac-sha256:" + hmac("0.8"));
        assertThat(features.get("email").asText()).isEqualTo("hmac-sha256:" + hmac("zoe@example.org"));
        assertThat(features.get("hour").asText()).isEqualTo("2");
        assertThat(features.get("name").asText()).isEqualTo("Zoë");
        assertThat(redacted.note().version()).isEqualTo(RULES.version()).startsWith("sha256:");
        assertThat(redacted.note().dropped()).containsExactly("cardAgeDays");
        assertThat(redacted.note().hashed()).containsExactly("email", "merchantRisk");
        assertThat(redacted.note().truncated()).containsExactly("hour", "name");
        assertThat(redacted.note().withheld()).isFalse();
    }

    @Test
    void keepsTheExactBytesWhenNoRuledFieldIsPresentButStillNamesTheVersion() {
        byte[] request = utf8("{\"id\":\"r-2\",\"app\":\"fraud\",\"features\":{\"amount\":1.50},\"receivedAtMs\":1,\"deadlineAtMs\":2}");

        Redactor.Redacted redacted = new Redactor(RULES).apply(request);

        assertThat(redacted.value()).isSameAs(request);
        assertThat(redacted.note().changedAnything()).isFalse();
        assertThat(redacted.note().version()).isEqualTo(RULES.version());
    }

    @Test
    void removesATensorInputNamedByARuleAndWithholdsAValueThatIsNoJsonObject() throws Exception {
        byte[] tensors = utf8("{\"id\":\"r-3\",\"app\":\"fraud\",\"inputs\":[{\"name\":\"email\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"x\"]},"
                + "{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.0]}],\"receivedAtMs\":1,\"deadlineAtMs\":2}");
        Redactor.Redacted redacted = new Redactor(RULES).apply(tensors);
        assertThat(JsonCodec.mapper().readTree(redacted.value()).get("inputs")).hasSize(1);
        assertThat(redacted.note().dropped()).containsExactly("email");

        Redactor.Redacted garbage = new Redactor(RULES).apply(utf8("not json {\"email\":\"zoe@example.org\"}"));
        assertThat(garbage.value()).isNull();
        assertThat(garbage.note().withheld()).isTrue();
    }

    @Test
    void theVersionChangesWithAnyRuleAndWithTheKeyButNeverShowsTheKey() {
        String version = RULES.version();
        assertThat(new RedactionRules(Set.of("cardAgeDays"), Set.of("merchantRisk", "email"), Map.of("hour", 1, "name", 4), KEY).version())
                .isNotEqualTo(version);
        assertThat(new RedactionRules(Set.of("cardAgeDays"), Set.of("merchantRisk", "email"), Map.of("hour", 1, "name", 3),
                utf8("another key of 16+ bytes")).version()).isNotEqualTo(version);
        assertThat(new RedactionRules(Set.of("cardAgeDays"), Set.of("email", "merchantRisk"), Map.of("name", 3, "hour", 1), KEY).version())
                .isEqualTo(version);
        assertThat(RULES.toString()).doesNotContain(new String(KEY, StandardCharsets.UTF_8)).contains(version);
    }

    @Test
    void refusesAFieldWithTwoRulesAHashWithoutKeyAndANegativeLength() {
        assertThatThrownBy(() -> new RedactionRules(Set.of("a"), Set.of("a"), Map.of(), KEY)).hasMessageContaining("'a' has more than one rule");
        assertThatThrownBy(() -> new RedactionRules(Set.of(), Set.of("a"), Map.of(), null)).hasMessageContaining("redaction.hash needs a key");
        assertThatThrownBy(() -> new RedactionRules(Set.of(), Set.of("a"), Map.of(), utf8("short"))).hasMessageContaining("the key has 5");
        assertThatThrownBy(() -> new RedactionRules(Set.of(), Set.of(), Map.of("a", -1), null)).hasMessageContaining("redaction.truncate.a is -1");
    }

    private static String hmac(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(utf8(text)));
    }
}
