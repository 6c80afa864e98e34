package dev.rendezvous.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.protocol.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class DecoyServiceIT {
    private static final String APP = "fraud";
    private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xfe, 0x00, '{', '"', (byte) 0xc3};

    @Test
    void copiesEveryRequestByteForByteToTheSamePartitionWithItsSourceCoordinates(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings settings = settings(broker, "copies");
        TopicNames names = settings.topics();
        provision(settings, names, 2);
        Map<String, Produced> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
            for (int i = 0; i < 20; i++) {
                String id = "req-" + i;
                byte[] value = i == 7 ? GARBAGE : ("{\"id\":\"" + id + "\", \"features\": {\"amount\": " + i + ".5}}").getBytes(StandardCharsets.UTF_8);
                var record = new ProducerRecord<>(names.requests(APP), i % 2, null, bytes(id), value);
                record.headers().add(new RecordHeader(RecordHeaders.TRACEPARENT, bytes("trace-" + i)));
                RecordMetadata metadata = producer.send(record).get(30, TimeUnit.SECONDS);
                produced.put(id, new Produced(value, metadata));
            }
        }

        List<ConsumerRecord<byte[], byte[]>> copies;
        try (DecoyService decoy = DecoyService.start(settings, Set.of(APP))) {
            copies = readAtLeast(decoy, settings, names.decoy(APP), 20);
        }

        assertThat(copies).hasSize(20);
        for (ConsumerRecord<byte[], byte[]> copy : copies) {
            String id = new String(copy.key(), StandardCharsets.UTF_8);
            Produced source = produced.get(id);
            assertThat(source).as("copy of an unknown key %s", id).isNotNull();
            assertThat(copy.value()).as("value of %s", id).isEqualTo(source.value());
            assertThat(copy.partition()).isEqualTo(source.metadata().partition());
            assertThat(header(copy, RecordHeaders.SOURCE_TOPIC)).isEqualTo(names.requests(APP));
            assertThat(header(copy, RecordHeaders.SOURCE_PARTITION)).isEqualTo(Integer.toString(source.metadata().partition()));
            assertThat(header(copy, RecordHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(source.metadata().offset()));
            assertThat(header(copy, RecordHeaders.SOURCE_TIMESTAMP)).isEqualTo(Long.toString(source.metadata().timestamp()));
            assertThat(Long.parseLong(header(copy, RecordHeaders.ARRIVAL_MS))).isPositive();
            assertThat(header(copy, RecordHeaders.TRACEPARENT)).isEqualTo("trace-" + id.substring(4));
        }
    }

    @Test
    void continuesAfterItsCommittedOffsetsWhenRestarted(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings settings = settings(broker, "restart");
        TopicNames names = settings.topics();
        provision(settings, names, 1);
        produce(settings, names.requests(APP), 0, 5);
        try (DecoyService decoy = DecoyService.start(settings, Set.of(APP))) {
            readAtLeast(decoy, settings, names.decoy(APP), 5);
        }

        produce(settings, names.requests(APP), 5, 10);
        List<ConsumerRecord<byte[], byte[]>> copies;
        try (DecoyService decoy = DecoyService.start(settings, Set.of(APP))) {
            // One partition keeps copies in order, so a restart from offset 0 would show up before offset 9.
            copies = readUntilSourceOffset(decoy, settings, names.decoy(APP), 9);
        }

        assertThat(copies).extracting(copy -> Long.parseLong(header(copy, RecordHeaders.SOURCE_OFFSET)))
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void refusesToStartWhenTheDecoyTopicHasFewerPartitionsThanTheRequestsTopic(EmbeddedKafkaBroker broker) {
        KafkaSettings settings = settings(broker, "mismatch");
        TopicNames names = settings.topics();
        try (Admin admin = settings.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(List.of(
                    new TopicSpec(names.requests(APP), 2, Map.of()),
                    new TopicSpec(names.decoy(APP), 1, Map.of())));
        }

        assertThatThrownBy(() -> DecoyService.start(settings, Set.of(APP)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(names.requests(APP) + " has 2 partitions")
                .hasMessageContaining(names.decoy(APP) + " has 1");
    }

    private record Produced(byte[] value, RecordMetadata metadata) {
    }

    private static KafkaSettings settings(EmbeddedKafkaBroker broker, String name) {
        return KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix(name));
    }

    private static void provision(KafkaSettings settings, TopicNames names, int partitions) {
        try (Admin admin = settings.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(names, 1).appTopics(APP, partitions, 3_600_000L));
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaSettings settings) {
        return new KafkaProducer<>(settings.producerConfig("test"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void produce(KafkaSettings settings, String topic, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("req-" + i), bytes("{\"n\":" + i + "}"))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAtLeast(DecoyService decoy, KafkaSettings settings, String topic, int count) {
        return read(decoy, settings, topic, records -> records.size() >= count);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readUntilSourceOffset(DecoyService decoy, KafkaSettings settings, String topic, long sourceOffset) {
        return read(decoy, settings, topic, records -> records.stream()
                .anyMatch(r -> header(r, RecordHeaders.SOURCE_OFFSET).equals(Long.toString(sourceOffset))));
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(DecoyService decoy, KafkaSettings settings, String topic,
                                                             java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer(null, "test-reader", "earliest")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                assertThat(decoy.isRunning()).as("decoy running").isTrue();
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return done.test(records);
            });
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return RecordHeaders.text(record.headers(), name).orElseThrow(() -> new AssertionError("missing header " + name));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
