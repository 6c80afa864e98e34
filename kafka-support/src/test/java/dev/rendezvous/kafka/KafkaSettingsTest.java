package dev.rendezvous.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void aBatchingConsumerHasTheBrokerHoldItsFetchFor100MsOrUntil64KiBGathered() {
        Map<String, Object> config = KafkaSettings.local("localhost:9092", "").batchingConsumerConfig("g", "c", "latest");

        assertThat(config).containsEntry("fetch.max.wait.ms", "100").containsEntry("fetch.min.bytes", "65536")
                .containsEntry("group.id", "g").containsEntry("enable.auto.commit", "false").containsEntry("auto.offset.reset", "latest");
    }

    @Test
    void anOperatorsOwnFetchSettingsWinOverTheBatchingOnes() {
        KafkaSettings settings = new KafkaSettings("localhost:9092", Map.of("fetch.max.wait.ms", "5", "fetch.min.bytes", "1"), "", 1);

        assertThat(settings.batchingConsumerConfig("g", "c", "latest")).containsEntry("fetch.max.wait.ms", "5").containsEntry("fetch.min.bytes", "1");
    }

    @Test
    void aRequestPathConsumerFetchesWithTheClientDefaults() {
        assertThat(KafkaSettings.local("localhost:9092", "").consumerConfig("g", "c", "latest"))
                .doesNotContainKeys("fetch.max.wait.ms", "fetch.min.bytes");
    }
}
