package dev.rendezvous.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Heartbeat;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class RegistryViewIT {

    @Test
    void seesRegistrationsAndTellsLiveFromStoppedAndSilentMembers(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("registry-view"));
        try (Admin admin = kafka.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(kafka.topics(), 1).controlTopics());
        }
        ModelRegistration stopping = new ModelRegistration("shop", "ranker", "1", ModelRole.LIVE, "onnx", "aa", null, null, 1);
        ModelRef silent = ModelRef.parse("ranker@2");
        try (RegistryView view = RegistryView.start(kafka, "test-view");
             RegistryPublisher publisher = new RegistryPublisher(kafka, "test-publisher");
             KafkaProducer<String, byte[]> producer = kafka.newProducer("test-crashed-runner")) {
            publisher.register(stopping);
            publisher.startHeartbeats(stopping, "host-a", () -> true);
            // A runner that beats once and then dies without a word.
            Heartbeat last = new Heartbeat("shop", silent.name(), silent.version(), "host-b", System.currentTimeMillis(), false);
            producer.send(new ProducerRecord<>(kafka.topics().heartbeats(), last.key(), JsonCodec.encode(last))).get();

            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(view.registration("shop", stopping.ref())).hasValue(stopping);
                assertThat(view.isAlive("shop", stopping.ref(), System.currentTimeMillis())).isTrue();
            });
            assertThat(view.liveMembers("shop", System.currentTimeMillis())).extracting(ModelRegistration::ref).containsExactly(stopping.ref());

            // Silence is noticed once the heartbeat timeout has passed.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !view.isAlive("shop", silent, System.currentTimeMillis()));

            publisher.close();
            // A clean stop is noticed as soon as its last beat is read, long before the timeout.
            Awaitility.await().atMost(Duration.ofMillis(RegistryView.HEARTBEAT_TIMEOUT_MS - 500))
                    .until(() -> !view.isAlive("shop", stopping.ref(), System.currentTimeMillis()));
        }
    }
}
