package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RequestIds;
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

/**
 * A decision for a waiting request's id that does not carry the nonce the gateway sent — what a
 * Kafka-native record with a copied id and this gateway's reply topic makes the rendezvous produce —
 * is not served; the request's own decision is.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class GatewayForeignReplyIT {
    private static final String APP = "orders";

    @Test
    void servesOnlyTheDecisionThatCarriesTheRequestsNonce(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-foreign"));
        try (TestGateway gateway = TestGateway.start(kafka, List.of(new AppSettings(APP, 1, 5_000)), c -> c, TraceLookup.NOT_CONFIGURED);
             KafkaProducer<String, byte[]> producer = kafka.newProducer("test-rendezvous")) {
            CompletableFuture<HttpResponse<String>> answered = gateway.postAsync("/v1/score/" + APP, "{\"features\": {\"a\": 1}}",
                    Map.of("X-Request-Id", "victim-1"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.requestRecords(APP) == 1);
            ScoringRequest sent = JsonCodec.decode(gateway.requestOnTopic(APP, "victim-1").value(), ScoringRequest.class);
            assertThat(sent.nonce()).as("the gateway sends a nonce").isNotNull();

            for (String nonce : new String[] {null, RequestIds.generateNonce()}) {
                Decision forged = decision(sent, "forged").withNonce(nonce);
                producer.send(new ProducerRecord<>(sent.replyTo(), sent.id(), JsonCodec.encode(forged))).get(10, TimeUnit.SECONDS);
            }
            Thread.sleep(300); // the listener has read both by now (it polls every 100 ms at most)
            assertThat(answered).as("a foreign decision completes nothing").isNotDone();
            producer.send(new ProducerRecord<>(sent.replyTo(), sent.id(), JsonCodec.encode(decision(sent, "genuine").withNonce(sent.nonce()))))
                    .get(10, TimeUnit.SECONDS);

            HttpResponse<String> answer = answered.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode body = JsonCodec.mapper().readTree(answer.body());
            assertThat(body.path("output").path("served").asText()).isEqualTo("genuine");
            assertThat(gateway.get("/metrics").body()).contains("rdv_gateway_replies_foreign_total 2.0");
        }
    }

    private static Decision decision(ScoringRequest request, String served) {
        return new Decision(request.id(), request.app(), Outcome.MODEL, "orders-lr", "1", JsonCodec.mapper().createObjectNode().put("served", served),
                "preferred", 1, null, List.of(), List.of(), request.receivedAtMs(), request.deadlineAtMs(), System.currentTimeMillis());
    }
}
