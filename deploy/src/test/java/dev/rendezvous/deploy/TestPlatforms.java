package dev.rendezvous.deploy;

import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import java.util.HashMap;
import java.util.Map;

/** Configuration overrides every platform IT shares: the shared test broker, its own topic prefix, any free port. */
final class TestPlatforms {
    private TestPlatforms() {
    }

    /**
     * @param prefix the test's topic prefix (from {@code EmbeddedKafkaExtension.uniquePrefix})
     * @param name   names the gateway instance (its reply topic)
     * @param extra  the test's own keys, applied last
     */
    static Map<String, String> overrides(EmbeddedKafkaBroker broker, String prefix, String name, String adminToken, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "kafka.embedded", "false",
                "kafka.bootstrapServers", broker.bootstrapServers(),
                "kafka.topicPrefix", prefix,
                "gateway.port", "0",
                "gateway.instanceId", "gw-" + name,
                "gateway.adminToken", adminToken,
                "management.port", "0"));
        overrides.putAll(extra);
        return overrides;
    }
}
