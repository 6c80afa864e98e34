package dev.rendezvous.bench.targets;

import dev.rendezvous.bench.load.LoadTarget;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.protocol.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The Kafka floor: what the broker and the platform's client settings cost on their own, with records
 * of the request's size. One hop is produce → consume; three hops mimic the request path (request →
 * score → reply), each intermediate hop a consumer that re-produces every record with its own producer.
 */
public final class KafkaFloor implements AutoCloseable {
    private static final int PARTITIONS = 3;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Map<String, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
    private final KafkaSettings kafka;
    private final Payloads payloads;
    private final String prefix;
    private KafkaProducer<String, byte[]> entry;

    private KafkaFloor(KafkaSettings kafka, Payloads payloads, String prefix) {
        this.kafka = kafka;
        this.payloads = payloads;
        this.prefix = prefix;
    }

    /** Creates the floor's topics under {@code prefix} and starts its relays and sinks. */
    public static KafkaFloor start(KafkaSettings kafka, Payloads payloads, String prefix) throws Exception {
        KafkaFloor floor = new KafkaFloor(kafka, payloads, prefix);
        try {
            floor.startParts();
            return floor;
        } catch (Exception e) {
            floor.close();
            throw e;
        }
    }

    private void startParts() throws Exception {
        List<String> topics = List.of(topic("one"), topic("chain-1"), topic("chain-2"), topic("chain-3"));
        try (Admin admin = kafka.newAdmin("bench-floor-topics")) {
            new TopicProvisioner(admin, kafka.replicationFactor(), 30_000)
                    .ensure(topics.stream().map(t -> new TopicSpec(t, PARTITIONS, Map.of())).toList());
        }
        entry = own(kafka.newProducer("bench-floor-entry"));
        own(new HopConsumer(kafka, topic("one"), PARTITIONS, record -> complete(record.key())).start());
        own(new HopConsumer(kafka, topic("chain-3"), PARTITIONS, record -> complete(record.key())).start());
        own(relay(topic("chain-2"), topic("chain-3")));
        own(relay(topic("chain-1"), topic("chain-2")));
    }

    private HopConsumer relay(String from, String to) throws InterruptedException {
        KafkaProducer<String, byte[]> producer = own(kafka.newProducer("bench-floor-relay-" + from));
        return new HopConsumer(kafka, from, PARTITIONS,
                record -> producer.send(new ProducerRecord<>(to, record.key(), record.value()))).start();
    }

    /** produce → consume. */
    public LoadTarget oneHop() {
        return target("kafka-1-hop", topic("one"));
    }

    /** produce → consume, re-produce → consume, re-produce → consume: the three hops of the request path. */
    public LoadTarget threeHops() {
        return target("kafka-3-hops", topic("chain-1"));
    }

    private LoadTarget target(String name, String firstTopic) {
        return new LoadTarget() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<Integer> send(long sequence) {
                String key = name + "-" + sequence;
                CompletableFuture<Integer> done = new CompletableFuture<>();
                pending.put(key, done);
                entry.send(new ProducerRecord<>(firstTopic, key, payloads.requestRecord(sequence)), (metadata, error) -> {
                    if (error != null && pending.remove(key) != null) {
                        done.completeExceptionally(error);
                    }
                });
                return done;
            }
        };
    }

    private void complete(String key) {
        CompletableFuture<Integer> done = pending.remove(key);
        if (done != null) {
            done.complete(200);
        }
    }

    private String topic(String name) {
        return prefix + "floor." + name;
    }

    private <T extends AutoCloseable> T own(T part) {
        parts.add(part);
        return part;
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            AutoCloseable part = parts.get(i);
            try {
                if (part instanceof KafkaProducer<?, ?> producer) {
                    producer.close(Duration.ofSeconds(2));
                } else {
                    part.close();
                }
            } catch (Exception e) {
                // best effort while stopping the benchmark
            }
        }
        pending.clear();
    }
}
