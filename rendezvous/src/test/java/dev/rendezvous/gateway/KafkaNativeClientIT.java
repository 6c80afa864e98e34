package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.engine.PolicyArbiter;
import dev.rendezvous.engine.RendezvousService;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.policy.Member;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kafka-native contract of docs/api.md, with no HTTP at all: a client produces a request JSON to
 * {@code <app>.requests} keyed by its id with its own topic as {@code replyTo}, and reads the
 * decision there. The real rendezvous decides; a test driver plays the model runner.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class KafkaNativeClientIT {
    private static final String APP = "native";

    @Test
    void aPlainKafkaClientGetsItsDecisionOnItsOwnReplyTopic(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("kafka-native"));
        String replyTopic = kafka.topicPrefix() + "my-service.replies";
        try (Admin admin = kafka.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(kafka.topics(), 1).appTopics(APP, 2, 3_600_000));
            admin.createTopics(List.of(new NewTopic(replyTopic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
        var policy = PolicyParser.parse("app: native\ndeadline: 5s\nstages:\n  - accept: [native-gbt@1]\n", 1);
        Set<Member> live = Set.of(new Member(ModelRef.parse("native-gbt@1"), ModelRole.LIVE));
        try (RendezvousService rendezvous = RendezvousService.start(kafka, List.of(APP), kafka.topics().group("rendezvous"),
                app -> new PolicyArbiter(policy, () -> live), new SimpleMeterRegistry(), System::currentTimeMillis);
             ScoreDriver runner = new ScoreDriver(kafka, APP, 2, ModelRef.parse("native-gbt@1"),
                     request -> JsonCodec.mapper().createObjectNode().put("score", request.features().path("amount").asDouble() / 100));
             KafkaConsumer<String, byte[]> replies = kafka.newStringKeyConsumer(null, "my-service-replies", "earliest");
             KafkaProducer<String, byte[]> producer = kafka.newProducer("my-service")) {
            replies.assign(List.of(new TopicPartition(replyTopic, 0)));
            long now = System.currentTimeMillis();
            // Exactly the JSON of docs/api.md, written by hand rather than with the protocol record.
            String request = """
                    {"id": "native-1", "app": "native", "features": {"amount": 42.0},
                     "receivedAtMs": %d, "deadlineAtMs": %d, "replyTo": "%s"}""".formatted(now, now + 5_000, replyTopic);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(kafka.topics().requests(APP), "native-1",
                    request.getBytes(StandardCharsets.UTF_8));
            record.headers().add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(10, TimeUnit.SECONDS);

            Decision[] decision = new Decision[1];
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, byte[]> reply : replies.poll(Duration.ofMillis(100))) {
                    if ("native-1".equals(reply.key())) {
                        decision[0] = JsonCodec.decode(reply.value(), Decision.class);
                    }
                }
                return decision[0] != null;
            });

            assertThat(decision[0].outcome()).isEqualTo(Outcome.MODEL);
            assertThat(decision[0].model() + "@" + decision[0].version()).isEqualTo("native-gbt@1");
            assertThat(decision[0].output().path("score").asDouble()).isEqualTo(0.42);
            assertThat(decision[0].reason()).isEqualTo("preferred");
            assertThat(JsonCodec.decode(request.getBytes(StandardCharsets.UTF_8), ScoringRequest.class).replyTo()).isEqualTo(replyTopic);
        }
    }
}
