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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Load shedding (in-flight limits per gateway and per app) and per-app API keys, on a gateway with tiny limits. */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAdmissionIT {
    private static final String KEY = "secured-key-0123456789";
    private static final String BODY = "{\"features\": {\"a\": 1}}";
    private TestGateway gateway;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-admission"));
        gateway = TestGateway.start(kafka, List.of(new AppSettings("open", 1, 1_500), new AppSettings("secured", 1, 1_500)),
                config -> config.withInflightLimits(3, 2).withReplyGraceMs(100).withApiKeys(Map.of("secured", Set.of(KEY))),
                TraceLookup.NOT_CONFIGURED);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void shedsARequestBeyondThePerAppLimitAtOnceWith503AndRetryAfterThenAdmitsAgain() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> waiting = fill("open", 2, Map.of());

        HttpResponse<String> shed = gateway.post("/v1/score/open", BODY, Map.of("X-Deadline-Ms", "10"));

        assertUnavailable(shed, "app 'open' has 2 requests in flight, its static limit (gateway.maxInflightPerApp)", "app-full");
        for (CompletableFuture<HttpResponse<String>> request : waiting) {
            assertThat(request.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        }
        assertThat(gateway.post("/v1/score/open", BODY, Map.of("X-Deadline-Ms", "10")).statusCode()).isEqualTo(504);
    }

    @Test
    void shedsARequestBeyondTheGatewayLimitWhateverItsApp() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>(fill("open", 2, Map.of()));
        waiting.addAll(fill("secured", 1, Map.of("X-Api-Key", KEY)));

        HttpResponse<String> shed = gateway.post("/v1/score/secured", BODY, Map.of("X-Api-Key", KEY, "X-Deadline-Ms", "10"));

        assertUnavailable(shed, "the gateway has 3 requests in flight, all apps together, its limit (gateway.maxInflight)", "gateway-full");
        for (CompletableFuture<HttpResponse<String>> request : waiting) {
            assertThat(request.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        }
    }

    @Test
    void requiresTheAppsApiKeyWith401WhenMissingAnd403WhenWrong() throws Exception {
        HttpResponse<String> missing = gateway.post("/v1/score/secured", BODY, Map.of());
        HttpResponse<String> wrong = gateway.post("/v1/score/secured", BODY, Map.of("X-Api-Key", "not-the-key-0123456789"));
        HttpResponse<String> oipMissing = gateway.post("/v2/models/secured/infer", "{}", Map.of());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(JsonCodec.mapper().readTree(missing.body()).path("where").asText()).isEqualTo("header X-Api-Key");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(JsonCodec.mapper().readTree(wrong.body()).path("error").asText()).contains("not accepted");
        assertThat(oipMissing.statusCode()).isEqualTo(401);
    }

    @Test
    void admitsTheRightKeyFromEitherHeaderAndLeavesAnUnconfiguredAppOpen() throws Exception {
        long before = gateway.requestRecords("secured");

        HttpResponse<String> viaHeader = gateway.post("/v1/score/secured", BODY, Map.of("X-Api-Key", KEY, "X-Deadline-Ms", "10"));
        HttpResponse<String> viaBearer = gateway.post("/v1/score/secured", BODY, Map.of("Authorization", "Bearer " + KEY, "X-Deadline-Ms", "10"));
        HttpResponse<String> open = gateway.post("/v1/score/open", BODY, Map.of("X-Deadline-Ms", "10"));

        assertThat(List.of(viaHeader, viaBearer, open)).extracting(HttpResponse::statusCode).containsOnly(504);
        assertThat(gateway.requestRecords("secured")).isEqualTo(before + 2);
    }

    /** Sends {@code count} requests that stay in flight (no rendezvous answers them) and waits until each reached Kafka. */
    private List<CompletableFuture<HttpResponse<String>>> fill(String app, int count, Map<String, String> headers) throws Exception {
        long before = gateway.requestRecords(app);
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            waiting.add(gateway.postAsync("/v1/score/" + app, BODY, headers));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.requestRecords(app) == before + count);
        return waiting;
    }

    private static void assertUnavailable(HttpResponse<String> response, String messagePart, String reason) throws Exception {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode error = JsonCodec.mapper().readTree(response.body());
        assertThat(error.path("error").asText()).contains(messagePart);
        assertThat(error.path("status").asInt()).isEqualTo(503);
        assertThat(error.path("reason").asText()).isEqualTo(reason);
    }
}
