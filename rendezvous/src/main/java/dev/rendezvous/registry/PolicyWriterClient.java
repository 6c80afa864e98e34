package dev.rendezvous.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.PolicyRecord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Stores policies in {@code rdv.policies}; the returned version is the record's offset plus one. */
public final class PolicyWriterClient implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    public PolicyWriterClient(KafkaSettings settings, String clientId) {
        this.producer = settings.newProducer(clientId);
        this.topic = settings.topics().policies();
    }

    /** Stores a (validated) policy document; completes with its version once Kafka has it. */
    public CompletableFuture<Long> store(String app, JsonNode policy, String updatedBy) {
        PolicyRecord record = new PolicyRecord(app, policy, updatedBy, System.currentTimeMillis());
        CompletableFuture<Long> version = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, app, JsonCodec.encode(record)), (metadata, error) -> {
            if (error != null) {
                version.completeExceptionally(error);
            } else {
                version.complete(metadata.offset() + 1);
            }
        });
        return version;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
