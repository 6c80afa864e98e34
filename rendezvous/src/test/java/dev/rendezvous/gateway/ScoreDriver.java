package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Plays one model runner in tests: reads every new request of an app and produces a score for it,
 * computed by a function of the request, to {@code <app>.scores} — as the runners in the deploy module would.
 */
final class ScoreDriver implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    ScoreDriver(KafkaSettings kafka, String app, int partitions, ModelRef model, Function<ScoringRequest, JsonNode> output) {
        KafkaConsumer<byte[], byte[]> consumer = kafka.newConsumer(null, "test-runner-" + model, "latest");
        KafkaProducer<String, byte[]> producer = kafka.newProducer("test-runner-" + model);
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(kafka.topics().requests(app), p));
        }
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position);
        thread = new Thread(() -> {
            while (running) {
                consumer.poll(Duration.ofMillis(50)).forEach(record -> {
                    ScoringRequest request = JsonCodec.decode(record.value(), ScoringRequest.class);
                    ModelScore score = new ModelScore(request.id(), app, model.name(), model.version(), ModelRole.LIVE,
                            output.apply(request), null, 100, 50, 1, System.currentTimeMillis()).withNonce(request.nonce());
                    producer.send(new ProducerRecord<>(kafka.topics().scores(app), request.id(), JsonCodec.encode(score)));
                });
            }
            consumer.close();
            producer.close();
        }, "test-runner-" + model);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
