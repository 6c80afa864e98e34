package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.analytics.AnalyticsSettings.SlidingWindow;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelAnalytics;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sliding windows through the real topology: 3 s windows advancing by 1 s, each the merge of its last three 1 s panes. */
class SlidingWindowsTest {
    private static final String APP = "fraud";
    private static final TopicNames TOPICS = new TopicNames("t-");
    private static final long T0 = 1_700_000_040_000L;

    @TempDir
    Path stateDir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> scores;
    private TestInputTopic<String, byte[]> results;
    private TestOutputTopic<String, byte[]> sliding;
    private TestOutputTopic<String, byte[]> tumbling;

    @BeforeEach
    void start() {
        AnalyticsSettings settings = AnalyticsSettings.DEFAULT.withWindowsMs(List.of(60_000L))
                .withSlidingWindows(List.of(new SlidingWindow(3_000, 1_000)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-sliding-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(AnalyticsTopology.build(TOPICS, List.of(APP), settings, new AnalyticsMeters(registry)), props,
                Instant.ofEpochMilli(T0));
        scores = driver.createInputTopic(TOPICS.scores(APP), new StringSerializer(), new ByteArraySerializer());
        results = driver.createInputTopic(TOPICS.results(APP), new StringSerializer(), new ByteArraySerializer());
        sliding = driver.createOutputTopic(TOPICS.analyticsSliding(APP), new StringDeserializer(), new ByteArrayDeserializer());
        tumbling = driver.createOutputTopic(TOPICS.analytics(APP), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void eachSlidingWindowAddsUpTheRequestsOfItsLastPanesOnce() {
        // One request in each of the panes [0, 1 s), [1, 2 s), [2, 3 s), [3, 4 s); the shadow disagrees with the canary in the second.
        for (int pane = 0; pane < 4; pane++) {
            request("r" + pane, pane * 1_000L + 100, pane == 1);
        }
        // A request 10 s on moves stream time past all four panes' ends plus the settle time.
        request("later", 10_100, false);
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        Map<String, ModelAnalytics> byKey = new HashMap<>();
        List<String> keys = new java.util.ArrayList<>();
        sliding.readKeyValuesToList().forEach(kv -> {
            keys.add(kv.key);
            byKey.put(kv.key, JsonCodec.decode(kv.value, ModelAnalytics.class));
        });
        assertThat(keys).as("each window written once").doesNotHaveDuplicates();
        long[] expectedRequests = {1, 2, 3, 3};
        Double[] expectedAgreement = {1.0, 0.5, 2 / 3.0, 2 / 3.0};
        for (int pane = 0; pane < 4; pane++) {
            long endMs = T0 + (pane + 1) * 1_000L;
            ModelAnalytics shadow = byKey.get(ModelAnalytics.key("shadow@1", 3_000, endMs - 3_000));
            assertThat(shadow).as("window ending at pane " + pane + " in " + keys).isNotNull();
            assertThat(shadow.windowSizeMs()).isEqualTo(3_000);
            assertThat(shadow.requests()).as("requests of the window ending at pane " + pane).isEqualTo(expectedRequests[pane]);
            assertThat(shadow.agreementWithCanary()).isEqualTo(expectedAgreement[pane]);
            assertThat(shadow.score().count()).isEqualTo(expectedRequests[pane]);
            assertThat(shadow.closed()).isTrue();
        }
        // The pane of the later request is still open: no window ends with it yet.
        assertThat(byKey.keySet()).noneMatch(k -> k.endsWith("/" + (T0 + 11_000 - 3_000)));
        // Sliding figures stay off the tumbling topic, and have their own gauges (window "size/advance").
        assertThat(tumbling.readKeyValuesToList()).allSatisfy(kv -> assertThat(kv.key).contains("/60000/"));
        assertThat(registry.get("rdv.analytics.requests").tag("model", "shadow@1").tag("window", "3000/1000").gauge().value()).isEqualTo(3.0);
    }

    private void request(String id, long offsetMs, boolean disagree) {
        long t = T0 + offsetMs;
        scores.pipeInput(id, JsonCodec.encode(new ModelScore(id, APP, "canary", "1", ModelRole.CANARY, output(0.2), null, 1, 1, 1, t)),
                Instant.ofEpochMilli(t));
        scores.pipeInput(id, JsonCodec.encode(new ModelScore(id, APP, "shadow", "1", ModelRole.SHADOW, output(disagree ? 0.8 : 0.2), null, 1, 1,
                1, t)), Instant.ofEpochMilli(t));
        results.pipeInput(id, JsonCodec.encode(new Decision(id, APP, Outcome.MODEL, "canary", "1", output(0.2), "preferred", 1, null,
                List.of(), List.of(), t, t + 100, t + 10)), Instant.ofEpochMilli(t));
    }

    private static ObjectNode output(double fraud) {
        ObjectNode output = JsonCodec.mapper().createObjectNode();
        output.putArray("output").add(fraud).add(1 - fraud);
        output.put("label", fraud >= 0.5 ? "fraud" : "legit");
        return output;
    }
}
