package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Readiness tells operators when an app's requests are not being decided, and recovers once they are. */
@ExtendWith(EmbeddedKafkaExtension.class)
class GatewayReadinessIT {
    private static final String APP = "orders";
    private static final String BODY = "{\"features\": {\"a\": 1}}";

    @Test
    void turnsNotReadyWhileNoRendezvousDecidesAnAppsRequestsAndReadyAgainOnTheNextDecision(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-readiness"));
        try (TestGateway gateway = TestGateway.start(kafka, List.of(new AppSettings(APP, 1, 5_000)), c -> c.withReplyGraceMs(50),
                TraceLookup.NOT_CONFIGURED)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.get("/health/ready").statusCode() == 200);

            // No rendezvous runs: each request gets an explicit 504, and after a few in a row readiness says why.
            for (int i = 0; i < UndecidedStreaks.STALLED_AFTER; i++) {
                HttpResponse<String> answer = gateway.post("/v1/score/" + APP, BODY, Map.of("X-Deadline-Ms", "50"));
                assertThat(answer.statusCode()).isEqualTo(504);
            }
            HttpResponse<String> ready = gateway.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("app 'orders'", "got no decision by their deadline");
            HttpResponse<String> oipReady = gateway.get("/v2/health/ready");
            assertThat(oipReady.statusCode()).isEqualTo(400);
            assertThat(oipReady.body()).contains("app 'orders'");

            // Requests are still admitted (refusing them would leave nothing to recover with); one decision ends it.
            CompletableFuture<HttpResponse<String>> answered = gateway.postAsync("/v1/score/" + APP, BODY, Map.of("X-Request-Id", "decided-1"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.requestRecords(APP) == UndecidedStreaks.STALLED_AFTER + 1);
            replyAsTheRendezvousWould(kafka, JsonCodec.decode(gateway.requestOnTopic(APP, "decided-1").value(), ScoringRequest.class));
            assertThat(answered.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/health/ready").statusCode()).isEqualTo(200);
            assertThat(gateway.get("/v2/health/ready").statusCode()).isEqualTo(200);
        }
    }

    private static void replyAsTheRendezvousWould(KafkaSettings kafka, ScoringRequest request) {
        Decision decision = new Decision(request.id(), request.app(), Outcome.MODEL, "orders-lr", "1",
                JsonCodec.mapper().createObjectNode().put("served", true), "preferred", 1, null, List.of(), List.of(),
                request.receivedAtMs(), request.deadlineAtMs(), System.currentTimeMillis()).withNonce(request.nonce());
        try (KafkaProducer<String, byte[]> producer = kafka.newProducer("test-rendezvous")) {
            producer.send(new ProducerRecord<>(request.replyTo(), request.id(), JsonCodec.encode(decision)));
        }
    }
}
