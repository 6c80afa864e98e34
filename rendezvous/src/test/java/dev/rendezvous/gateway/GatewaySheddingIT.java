package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Latency shedding on a real gateway with no rendezvous behind it: every request ends in the gateway's
 * own timeout, 50 ms past its deadline, against a 20 ms target — so the slow app's limit falls to its
 * floor of one, and a second request in flight is refused with 503 naming the latency target.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class GatewaySheddingIT {
    private static final String BODY = "{\"features\": {\"a\": 1}}";
    private static final Map<String, String> SHORT_DEADLINE = Map.of("X-Deadline-Ms", "10");

    @Test
    void shedsAnAppWhoseAnswersMissTheLatencyTargetWith503RetryAfterAndTheReasonWhileOtherAppsAreAdmitted(EmbeddedKafkaBroker broker)
            throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-shedding"));
        try (TestGateway gateway = TestGateway.start(kafka, List.of(new AppSettings("slow", 1, 5_000), new AppSettings("other", 1, 5_000)),
                config -> config.withReplyGraceMs(50).withShedding(new SheddingConfig(true, 20, 10, 1)), TraceLookup.NOT_CONFIGURED)) {
            // One at a time, so at most two are ever in flight: the cuts reach the floor of one within a few windows.
            for (int i = 0; i < 20 && limit(gateway, "slow") > 1; i++) {
                assertThat(gateway.post("/v1/score/slow", BODY, SHORT_DEADLINE).statusCode()).isEqualTo(504);
            }
            assertThat(limit(gateway, "slow")).isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(4)).until(() -> gateway.get("/metrics").body().contains("\nrdv_gateway_inflight 0.0"));
            long before = gateway.requestRecords("slow");
            CompletableFuture<HttpResponse<String>> holding = gateway.postAsync("/v1/score/slow", BODY, Map.of()); // 5 s deadline
            Awaitility.await().atMost(Duration.ofSeconds(4)).until(() -> gateway.requestRecords("slow") == before + 1);

            HttpResponse<String> shed = gateway.post("/v1/score/slow", BODY, SHORT_DEADLINE);
            HttpResponse<String> other = gateway.post("/v1/score/other", BODY, SHORT_DEADLINE);

            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode error = JsonCodec.mapper().readTree(shed.body());
            assertThat(error.path("error").asText()).startsWith("app 'slow' is over its latency target (min ")
                    .contains("> 20 ms in its last 10 ms window; limit now 1 in flight); retry shortly");
            assertThat(error.path("where").asText()).isEqualTo("gateway");
            assertThat(error.path("status").asInt()).isEqualTo(503);
            assertThat(other.statusCode()).isEqualTo(504);
            assertThat(metric(gateway, "rdv_gateway_shed_total", "slow", "reason=\"latency\"")).isEqualTo(1);
            assertThat(metric(gateway, "rdv_gateway_shed_total", "other", "reason=\"latency\"")).isZero();
            assertThat(holding.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        }
    }

    private static double limit(TestGateway gateway, String app) throws Exception {
        return metric(gateway, "rdv_gateway_inflight_limit", app, null);
    }

    /** The value of a Prometheus sample of {@code name} for the app (and carrying {@code label}, when given). */
    private static double metric(TestGateway gateway, String name, String app, String label) throws Exception {
        String scrape = gateway.get("/metrics").body();
        Matcher sample = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        while (sample.find()) {
            if (sample.group(1).contains("app=\"" + app + "\"") && (label == null || sample.group(1).contains(label))) {
                return Double.parseDouble(sample.group(2));
            }
        }
        throw new AssertionError("no sample " + name + " for app " + app + " " + label + " in:\n" + scrape);
    }
}
