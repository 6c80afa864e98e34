package dev.rendezvous.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Test helper: reads every record of a topic from the beginning, without a consumer group. */
public final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls until {@code done} holds for everything read so far (at most 30 s), and returns it. */
    public List<ConsumerRecord<String, byte[]>> readUntil(Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        return readUntil(Duration.ofSeconds(30), done);
    }

    /** Polls until {@code done} holds for everything read so far (at most {@code atMost}), and returns it. */
    public List<ConsumerRecord<String, byte[]>> readUntil(Duration atMost, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(1)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            return done.test(records);
        });
        return List.copyOf(records);
    }

    public List<ConsumerRecord<String, byte[]>> readAtLeast(int count) {
        return readUntil(read -> read.size() >= count);
    }

    /** How many records the topic holds in total (no transactions here, so every offset is a record). */
    long size() {
        return consumer.endOffsets(consumer.assignment()).values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
