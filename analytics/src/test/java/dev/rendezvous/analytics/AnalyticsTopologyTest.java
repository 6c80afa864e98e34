package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.AnalyticsAlert;
import dev.rendezvous.protocol.Candidate;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelAnalytics;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
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

class AnalyticsTopologyTest {
    private static final String APP = "fraud";
    private static final TopicNames TOPICS = new TopicNames("t-");
    private static final long WINDOW_MS = 60_000;
    /** A window start, so that every request of a test falls in one window. */
    private static final long T0 = 1_700_000_040_000L - Math.floorMod(1_700_000_040_000L, WINDOW_MS);

    @TempDir
    Path stateDir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> scores;
    private TestInputTopic<String, byte[]> results;
    private TestOutputTopic<String, byte[]> analytics;
    private TestOutputTopic<String, byte[]> alerts;

    @BeforeEach
    void start() {
        AnalyticsSettings settings = new AnalyticsSettings(List.of(WINDOW_MS), List.of(), 2_000, 1_000, 20, 0.25, 0.1, 0.0,
                Map.of(), stateDir, false);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(AnalyticsTopology.build(TOPICS, List.of(APP), settings, new AnalyticsMeters(registry)), props,
                Instant.ofEpochMilli(T0));
        scores = driver.createInputTopic(TOPICS.scores(APP), new StringSerializer(), new ByteArraySerializer());
        results = driver.createInputTopic(TOPICS.results(APP), new StringSerializer(), new ByteArraySerializer());
        analytics = driver.createOutputTopic(TOPICS.analytics(APP), new StringDeserializer(), new ByteArrayDeserializer());
        alerts = driver.createOutputTopic(TOPICS.alerts(APP), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void measuresAgreementWithTheCanaryAndRaisesADisagreementAlertOnlyForTheModelThatDiffers() {
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            String id = "r" + i;
            double p = random.nextDouble();
            score(id, "fraud-fm", "1", ModelRole.LIVE, p, i);
            score(id, "fraud-lr", "2", ModelRole.CANARY, p, i);
            score(id, "fraud-copy", "1", ModelRole.SHADOW, p, i);
            // Disagrees with the canary on exactly the requests with i % 10 < 3: 30 of 100.
            score(id, "fraud-flip", "1", ModelRole.SHADOW, i % 10 < 3 ? flipped(p) : p, i);
            decide(id, "fraud-fm", "1", i);
        }
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        Map<String, ModelAnalytics> figures = latest();
        ModelAnalytics copy = figures.get(ModelAnalytics.key("fraud-copy@1", WINDOW_MS, T0));
        ModelAnalytics flip = figures.get(ModelAnalytics.key("fraud-flip@1", WINDOW_MS, T0));
        ModelAnalytics live = figures.get(ModelAnalytics.key("fraud-fm@1", WINDOW_MS, T0));
        ModelAnalytics canary = figures.get(ModelAnalytics.key("fraud-lr@2", WINDOW_MS, T0));
        assertThat(copy.requests()).isEqualTo(100);
        assertThat(copy.agreementWithCanary()).isEqualTo(1.0);
        assertThat(copy.drift()).isLessThan(0.01);
        assertThat(flip.agreementWithCanary()).isEqualTo(0.7);
        assertThat(flip.agreementWithServed()).isEqualTo(0.7);
        assertThat(canary.agreementWithCanary()).isNull();
        assertThat(canary.canary()).isEqualTo("fraud-lr@2");
        assertThat(live.winShare()).isEqualTo(1.0);
        assertThat(copy.winShare()).isEqualTo(0.0);
        assertThat(live.score().count()).isEqualTo(100);

        List<AnalyticsAlert> raised = alerts.readValuesToList().stream().map(v -> JsonCodec.decode(v, AnalyticsAlert.class)).toList();
        assertThat(raised).extracting(a -> a.model() + "@" + a.version() + " " + a.kind().wireName())
                .containsExactly("fraud-flip@1 disagreement");
        assertThat(raised.get(0).value()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(registry.get("rdv.analytics.alerts").tag("model", "fraud-flip@1").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("rdv.analytics.agreement.canary").tag("model", "fraud-copy@1").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void raisesADriftAlertForAModelWhoseScoresMovedAwayFromTheCanarysOnce() {
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            String id = "r" + i;
            double p = random.nextDouble() * 0.4;
            score(id, "fraud-lr", "2", ModelRole.CANARY, p, i);
            // Same labels (both below 0.5), scores shifted up: drift without disagreement.
            score(id, "fraud-shift", "1", ModelRole.SHADOW, p + 0.09, i);
            decide(id, "fraud-lr", "2", i);
        }
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        ModelAnalytics shift = latest().get(ModelAnalytics.key("fraud-shift@1", WINDOW_MS, T0));
        assertThat(shift.agreementWithCanary()).isEqualTo(1.0);
        assertThat(shift.drift()).isGreaterThan(0.25);
        List<AnalyticsAlert> raised = alerts.readValuesToList().stream().map(v -> JsonCodec.decode(v, AnalyticsAlert.class)).toList();
        assertThat(raised).extracting(AnalyticsAlert::kind).containsExactly(AnalyticsAlert.Kind.DRIFT);
    }

    @Test
    void countsLateAndErrorSharesAndClosesAWindowOnceStreamTimePassesIt() {
        for (int i = 0; i < 10; i++) {
            String id = "r" + i;
            score(id, "fraud-fm", "1", ModelRole.LIVE, 0.2, i);
            if (i < 4) {
                scores.pipeInput(id, JsonCodec.encode(new ModelScore(id, APP, "fraud-lr", "1", ModelRole.LIVE, null,
                        new dev.rendezvous.protocol.ScoreError("model-failure", "boom"), 0, 0, 0, T0 + i)), Instant.ofEpochMilli(T0 + i));
            } else {
                score(id, "fraud-lr", "1", ModelRole.LIVE, 0.2, i);
            }
            List<String> late = i >= 8 ? List.of("fraud-lr@1") : List.of();
            results.pipeInput(id, JsonCodec.encode(new Decision(id, APP, Outcome.MODEL, "fraud-fm", "1", output(0.2), "preferred", 1, null,
                    List.of(new Candidate("fraud-fm", "1", ModelRole.LIVE, 5, null)), late, T0 + i, T0 + i + 100, T0 + i + 40)),
                    Instant.ofEpochMilli(T0 + i));
        }
        scores.pipeInput("bad", "not json".getBytes(StandardCharsets.UTF_8));
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        Map<String, ModelAnalytics> figures = latest();
        ModelAnalytics lr = figures.get(ModelAnalytics.key("fraud-lr@1", WINDOW_MS, T0));
        ModelAnalytics fm = figures.get(ModelAnalytics.key("fraud-fm@1", WINDOW_MS, T0));
        assertThat(lr.errorShare()).isEqualTo(0.4);
        assertThat(lr.lateShare()).isEqualTo(0.2);
        assertThat(lr.agreementWithLive()).containsEntry("fraud-fm@1", 1.0);
        assertThat(fm.latencyMs().p50()).isEqualTo(5.0);
        assertThat(lr.closed()).isFalse();
        assertThat(registry.get("rdv.analytics.skipped").counter().count()).isEqualTo(1.0);

        // A request of the next window, past this one's end plus the settle time, closes it.
        long next = T0 + WINDOW_MS + 2_500;
        for (int i = 0; i < 5; i++) {
            score("n" + i, "fraud-fm", "1", ModelRole.LIVE, 0.9, next - T0 + i);
        }
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        Map<String, ModelAnalytics> after = latest();
        assertThat(after.get(ModelAnalytics.key("fraud-lr@1", WINDOW_MS, T0)).closed()).isTrue();
        assertThat(after.get(ModelAnalytics.key("fraud-lr@1", WINDOW_MS, T0)).driftFromPrevious()).as("no window before the first").isNull();
        // fraud-fm@1 scored 0.2 in the closed window and 0.9 in this one: far from its own previous distribution.
        assertThat(after.get(ModelAnalytics.key("fraud-fm@1", WINDOW_MS, T0 + WINDOW_MS)).driftFromPrevious()).isGreaterThan(1.0);
    }

    @Test
    void aScoreAfterItsRequestSettledIsDroppedNotCountedAsARequestOfItsOwn() {
        score("r1", "fraud-fm", "1", ModelRole.LIVE, 0.2, 0);
        decide("r1", "fraud-fm", "1", 0);
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        score("r1", "fraud-lr", "1", ModelRole.LIVE, 0.2, 1);
        score("r2", "fraud-lr", "1", ModelRole.LIVE, 0.2, 2);
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        Map<String, ModelAnalytics> figures = latest();
        assertThat(figures.get(ModelAnalytics.key("fraud-lr@1", WINDOW_MS, T0)).requests()).as("r2 only").isEqualTo(1);
        assertThat(registry.get("rdv.analytics.settled").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("rdv.analytics.too.late").counter().count()).isEqualTo(1.0);
    }

    /** The newest figures per key written since the last call (reading consumes the output). */
    private Map<String, ModelAnalytics> latest() {
        Map<String, ModelAnalytics> byKey = new HashMap<>();
        analytics.readKeyValuesToList().forEach(kv -> byKey.put(kv.key, JsonCodec.decode(kv.value, ModelAnalytics.class)));
        return byKey;
    }

    private static double flipped(double p) {
        return p >= 0.5 ? p - 0.5 : p + 0.5;
    }

    private void score(String id, String model, String version, ModelRole role, double fraudProbability, long offsetMs) {
        ModelScore score = new ModelScore(id, APP, model, version, role, output(fraudProbability), null, 100, 50, 1, T0 + offsetMs);
        scores.pipeInput(id, JsonCodec.encode(score), Instant.ofEpochMilli(T0 + offsetMs));
    }

    private void decide(String id, String model, String version, long offsetMs) {
        results.pipeInput(id, JsonCodec.encode(new Decision(id, APP, Outcome.MODEL, model, version, output(0), "preferred", 1, null,
                List.of(), List.of(), T0 + offsetMs, T0 + offsetMs + 100, T0 + offsetMs + 10)), Instant.ofEpochMilli(T0 + offsetMs));
    }

    private static JsonNode output(double fraudProbability) {
        ObjectNode output = JsonCodec.mapper().createObjectNode();
        output.putArray("output").add(fraudProbability).add(1 - fraudProbability);
        output.put("label", fraudProbability >= 0.5 ? "fraud" : "legit");
        return output;
    }
}
