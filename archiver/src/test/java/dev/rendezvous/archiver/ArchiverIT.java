package dev.rendezvous.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicProvisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedKafkaExtension.class)
class ArchiverIT {
    private static final String APP = "fraud";
    private static final int PARTITIONS = 2;

    @TempDir
    Path archiveDir;

    @Test
    void archivesEveryDecoyRecordExactlyOnceEvenWhenARestartReadsThemAllAgain(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings settings = settings(broker, "exactlyonce");
        TopicNames names = settings.topics();
        provision(settings, names);
        Map<String, byte[]> produced = new HashMap<>();
        produceDecoyCopies(settings, names, 0, 10, produced);
        try (Archiver archiver = Archiver.start(settings, archiveDir, Set.of(APP))) {
            awaitArchived(archiver, RecordKind.DECOY, produced.keySet());
        }

        // As if the archiver had crashed after its fsync but before its commit: the next one reads everything again.
        rewindGroupToTheStart(settings, names);
        produceDecoyCopies(settings, names, 10, 20, produced);
        try (Archiver archiver = Archiver.start(settings, archiveDir, Set.of(APP))) {
            awaitArchived(archiver, RecordKind.DECOY, produced.keySet());
        }

        List<byte[]> lines = lines(RecordKind.DECOY);
        assertThat(lines).hasSize(20);
        for (byte[] line : lines) {
            ArchivedLine archived = ArchivedLine.parse(line);
            byte[] expected = produced.get(coordinates(archived));
            assertThat(ArchivedLine.value(line)).as("value of %s", coordinates(archived)).isEqualTo(expected);
            assertThat(archived.sha256()).isEqualTo(dev.rendezvous.archive.format.line.LineEncoder.sha256(expected));
            assertThat(archived.source()).isNotNull();
        }
    }

    @Test
    void archivesScoresAndResultsNextToTheDecoyInputs(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings settings = settings(broker, "kinds");
        TopicNames names = settings.topics();
        provision(settings, names);
        JsonNode output = JsonNodeFactory.instance.objectNode().put("score", 0.25);
        byte[] score = JsonCodec.encode(new ModelScore("r-1", APP, "fraud-lr", "3", ModelRole.LIVE, output, null, 120, 40, 1, 1_700_000_000_001L));
        byte[] decision = JsonCodec.encode(new Decision("r-1", APP, Outcome.MODEL, "fraud-lr", "3", output, "preferred", 1, null,
                List.of(), List.of(), 1_700_000_000_000L, 1_700_000_000_040L, 1_700_000_000_002L));
        try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
            producer.send(new ProducerRecord<>(names.scores(APP), 1, bytes("r-1"), score)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(names.results(APP), 1, bytes("r-1"), decision)).get(30, TimeUnit.SECONDS);
        }

        try (Archiver archiver = Archiver.start(settings, archiveDir, Set.of(APP))) {
            awaitArchived(archiver, RecordKind.SCORES, Set.of(names.scores(APP) + "-1@0"));
            awaitArchived(archiver, RecordKind.RESULTS, Set.of(names.results(APP) + "-1@0"));
        }

        assertThat(ArchivedLine.value(lines(RecordKind.SCORES).get(0))).isEqualTo(score);
        assertThat(ArchivedLine.value(lines(RecordKind.RESULTS).get(0))).isEqualTo(decision);
        assertThat(archiveDir.resolve(APP).resolve("scores").resolve("scores-p1-00000000000000000000.ndjson")).exists();
    }

    @Test
    void snapshotCreationHasTheRunningArchiverSealItsOpenSegmentsFirst(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings settings = settings(broker, "snapshot");
        TopicNames names = settings.topics();
        provision(settings, names);
        Map<String, byte[]> produced = new HashMap<>();
        produceDecoyCopies(settings, names, 0, 10, produced);

        try (Archiver archiver = Archiver.start(settings, ArchiverSettings.of(archiveDir, Set.of(APP)))) {
            awaitArchived(archiver, RecordKind.DECOY, produced.keySet());
            assertThat(SegmentCatalog.sealed(archiveDir.resolve(APP))).as("nothing sealed before the snapshot").isEmpty();

            SnapshotStore store = new SnapshotStore(archiveDir);
            SnapshotStore.Created created = store.create(APP, null, "it", Duration.ofSeconds(30));

            assertThat(created.openSegmentsLeftOut()).isZero();
            assertThat(created.snapshot().segments()).extracting(SegmentSeal::partition).containsExactlyInAnyOrder(0, 1);
            assertThat(created.snapshot().records()).isEqualTo(10);
            assertThat(store.verify(APP, created.id()).ok()).isTrue();
        }
    }

    private static KafkaSettings settings(EmbeddedKafkaBroker broker, String name) {
        return KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix(name));
    }

    private static void provision(KafkaSettings settings, TopicNames names) {
        try (Admin admin = settings.newAdmin("test")) {
            new TopicProvisioner(admin, 1, 10_000).ensure(new TopicLayout(names, 1).appTopics(APP, PARTITIONS, 3_600_000L));
        }
    }

    /** Produces decoy-like copies of source offsets [from, to); every fifth value is not JSON. */
    private static void produceDecoyCopies(KafkaSettings settings, TopicNames names, int from, int to, Map<String, byte[]> produced) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
            for (int i = from; i < to; i++) {
                int partition = i % PARTITIONS;
                byte[] value = i % 5 == 0 ? new byte[] {(byte) 0xff, 0x00, (byte) i} : bytes("{\"id\":\"r-" + i + "\",\"features\":{\"x\": " + i + "}}");
                var record = new ProducerRecord<>(names.decoy(APP), partition, bytes("r-" + i), value);
                record.headers().add(new RecordHeader(RecordHeaders.SOURCE_TOPIC, bytes(names.requests(APP))));
                record.headers().add(new RecordHeader(RecordHeaders.SOURCE_PARTITION, bytes(Integer.toString(partition))));
                record.headers().add(new RecordHeader(RecordHeaders.SOURCE_OFFSET, bytes(Integer.toString(i / PARTITIONS))));
                RecordMetadata metadata = producer.send(record).get(30, TimeUnit.SECONDS);
                produced.put(metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset(), value);
            }
        }
    }

    private static void rewindGroupToTheStart(KafkaSettings settings, TopicNames names) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            start.put(new TopicPartition(names.decoy(APP), partition), new OffsetAndMetadata(0));
        }
        try (Admin admin = settings.newAdmin("test")) {
            admin.alterConsumerGroupOffsets(Archiver.groupId(settings), start).all().get(30, TimeUnit.SECONDS);
        }
    }

    private void awaitArchived(Archiver archiver, RecordKind kind, Set<String> expected) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(archiver.isRunning()).as("archiver running").isTrue();
            return lines(kind).stream().map(line -> coordinates(ArchivedLine.parse(line))).toList().containsAll(expected);
        });
    }

    /** Every line of every segment of {@code kind}; a line still being written may be missing, never half there. */
    private List<byte[]> lines(RecordKind kind) {
        Path dir = archiveDir.resolve(APP).resolve(kind.dirName());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<byte[]> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    lines.add(bytes(text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static String coordinates(ArchivedLine line) {
        return line.topic() + "-" + line.partition() + "@" + line.offset();
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaSettings settings) {
        return new KafkaProducer<>(settings.producerConfig("test"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
