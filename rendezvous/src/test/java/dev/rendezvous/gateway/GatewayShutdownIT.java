package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Graceful shutdown: refuse new requests, answer or time out the ones in flight, then close. */
@ExtendWith(EmbeddedKafkaExtension.class)
class GatewayShutdownIT {
    private static final String APP = "orders";

    @Test
    void refusesNewRequestsWhileDrainingAnswersTheOnesInFlightThenCloses(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-shutdown"));
        TestGateway gateway = TestGateway.start(kafka, List.of(new AppSettings(APP, 1, 5_000)), c -> c.withReplyGraceMs(200),
                TraceLookup.NOT_CONFIGURED);
        String body = "{\"features\": {\"a\": 1}}";
        CompletableFuture<HttpResponse<String>> answered = gateway.postAsync("/v1/score/" + APP, body, Map.of("X-Request-Id", "answered-1"));
        CompletableFuture<HttpResponse<String>> silent = gateway.postAsync("/v1/score/" + APP, body,
                Map.of("X-Request-Id", "silent-1", "X-Deadline-Ms", "1000"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.requestRecords(APP) == 2);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gateway.get("/health/ready").statusCode() == 503);
        HttpResponse<String> refused = gateway.post("/v1/score/" + APP, body, Map.of());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("shutting down");
        assertThat(closing).isNotDone();

        replyAsTheRendezvousWould(kafka, gateway.requestOnTopic(APP, "answered-1"));

        assertThat(answered.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(answered.get().body()).contains("\"served\":true");
        assertThat(silent.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
        closing.get(15, TimeUnit.SECONDS);
        assertThatThrownBy(() -> gateway.get("/health/live")).isInstanceOf(IOException.class);
    }

    private static void replyAsTheRendezvousWould(KafkaSettings kafka, ConsumerRecord<String, byte[]> record) {
        ScoringRequest request = JsonCodec.decode(record.value(), ScoringRequest.class);
        Decision decision = new Decision(request.id(), request.app(), Outcome.MODEL, "orders-lr", "1",
                JsonCodec.mapper().createObjectNode().put("served", true), "preferred", 1, null, List.of(), List.of(),
                request.receivedAtMs(), request.deadlineAtMs(), System.currentTimeMillis()).withNonce(request.nonce());
        try (KafkaProducer<String, byte[]> producer = kafka.newProducer("test-rendezvous")) {
            producer.send(new ProducerRecord<>(request.replyTo(), request.id(), JsonCodec.encode(decision)));
        }
    }
}
