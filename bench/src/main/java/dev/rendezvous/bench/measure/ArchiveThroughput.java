package dev.rendezvous.bench.measure;

import dev.rendezvous.archiver.Archiver;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.bench.targets.Payloads;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Archive throughput through Kafka: writes {@code n} decoy records (request bytes with source-coordinate
 * headers, as the decoy writes them) to a decoy topic of its own, then starts an archiver on that
 * backlog and times it from its first to its last committed offset; committed means fsync'd to disk.
 * Afterwards, untimed, it snapshots the archive while the archiver still runs (the archiver seals its
 * open segments on the snapshot's request, as for {@code archive snapshot create}), so that
 * {@link ReplayThroughput} can replay what was archived.
 */
public final class ArchiveThroughput {
    private static final int PARTITIONS = 3;

    /** How long the snapshot waits for the archiver to seal; it checks for seal requests once a second. */
    private static final Duration SEAL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Records per second archived and bytes on disk per record (every file under the archive directory
     * once the last record was committed, before the snapshot sealed the segments).
     *
     * @param snapshotId          the snapshot of the archive taken after the measurement
     * @param openSegmentsLeftOut segments the archiver had not sealed within the wait, hence not in the snapshot
     */
    public record Result(long records, double recordsPerSecond, double bytesPerRecord, double seconds, String snapshotId,
                         int openSegmentsLeftOut) {
    }

    private ArchiveThroughput() {
    }

    public static Result measure(String bootstrapServers, Path archiveDir, Payloads payloads, int n) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(bootstrapServers, "bench-archive.");
        String decoyTopic = kafka.topics().decoy(DemoModels.APP);
        try (Admin admin = kafka.newAdmin("bench-archive-topics")) {
            new TopicProvisioner(admin, 1, 30_000).ensure(new TopicLayout(kafka.topics(), 1).appTopics(DemoModels.APP, PARTITIONS, 3_600_000));
        }
        try (KafkaProducer<String, byte[]> producer = kafka.newProducer("bench-archive-writer")) {
            for (int i = 0; i < n; i++) {
                int partition = i % PARTITIONS;
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(decoyTopic, partition, "archive-" + i, payloads.requestRecord(i));
                RecordHeaders.put(record.headers(), RecordHeaders.SOURCE_TOPIC, kafka.topics().requests(DemoModels.APP));
                RecordHeaders.put(record.headers(), RecordHeaders.SOURCE_PARTITION, Integer.toString(partition));
                RecordHeaders.put(record.headers(), RecordHeaders.SOURCE_OFFSET, Long.toString(i / PARTITIONS));
                RecordHeaders.put(record.headers(), RecordHeaders.SOURCE_TIMESTAMP, Long.toString(System.currentTimeMillis()));
                RecordHeaders.put(record.headers(), RecordHeaders.ARRIVAL_MS, Long.toString(System.currentTimeMillis()));
                if (i < PARTITIONS) {
                    // One record per partition first, each waited for: right after creation a partition may
                    // answer NOT_LEADER_OR_FOLLOWER, and with batches already in flight behind it the
                    // idempotent producer was seen retrying OUT_OF_ORDER_SEQUENCE_NUMBER for minutes.
                    producer.send(record).get(30, TimeUnit.SECONDS);
                } else {
                    producer.send(record);
                }
            }
            producer.flush();
        }
        long first = 0;
        long last = 0;
        long committedAtFirst = 0;
        long archivedBytes;
        SnapshotStore.Created snapshot;
        try (Admin admin = kafka.newAdmin("bench-archive-watch");
             Archiver archiver = Archiver.start(kafka, archiveDir, Set.of(DemoModels.APP))) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long committed = 0;
            while (committed < n && System.nanoTime() < until) {
                committed = committed(admin, Archiver.groupId(kafka), decoyTopic);
                long now = System.nanoTime();
                if (committed > 0 && first == 0) {
                    // Timed from the first commit: the group join before it is start-up, not throughput.
                    first = now;
                    committedAtFirst = committed;
                }
                last = now;
                TimeUnit.MILLISECONDS.sleep(20);
            }
            if (committed < n) {
                throw new IllegalStateException("the archiver committed " + committed + " of " + n + " records within 60 s");
            }
            // Sized before sealing adds index and seal files, so that the figure stays comparable with earlier runs.
            archivedBytes = sizeOf(archiveDir);
            snapshot = new SnapshotStore(archiveDir).create(DemoModels.APP, null, "bench replay", SEAL_TIMEOUT);
        }
        double seconds = Math.max(1e-3, (last - first) / 1e9);
        return new Result(n, (n - committedAtFirst) / seconds, (double) archivedBytes / n, seconds, snapshot.id(), snapshot.openSegmentsLeftOut());
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().toString().startsWith(topic + "-") && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
