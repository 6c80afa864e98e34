package dev.rendezvous.archiver;

import static dev.rendezvous.archiver.UnsyncedBatchesTest.batch;
import static dev.rendezvous.archiver.UnsyncedBatchesTest.committed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.SegmentFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveLoopTest {
    private static final TopicPartition P0 = new TopicPartition("fraud.scores", 0);
    private static final TopicPartition P1 = new TopicPartition("fraud.scores", 1);
    private static final ConsumerRecords<byte[], byte[]> NOTHING = new ConsumerRecords<>(Map.of(), Map.of());

    @TempDir
    Path archiveDir;
    private final AtomicLong clockMs = new AtomicLong(1_000);

    @Test
    void commitsNoOffsetUntilTheSyncThatCoversItsLineIsDue() throws IOException {
        ArchiveLoop loop = loop(Duration.ofMillis(200), 1 << 20);
        MockConsumer<byte[], byte[]> consumer = UnsyncedBatchesTest.consumer(P0);

        loop.handle(consumer, batch(P0, 0, 3));
        clockMs.set(1_199);
        loop.handle(consumer, NOTHING);
        assertThat(committed(consumer)).isEmpty();

        clockMs.set(1_200);
        loop.handle(consumer, NOTHING);
        assertThat(committed(consumer)).isEqualTo(Map.of(P0, 3L));
        assertThat(offsetsOnDisk(0)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void syncsAndCommitsAtOnceWhenEnoughBytesOfLinesWait() throws IOException {
        ArchiveLoop loop = loop(Duration.ofMinutes(1), 1);
        MockConsumer<byte[], byte[]> consumer = UnsyncedBatchesTest.consumer(P0);

        loop.handle(consumer, batch(P0, 0, 3));

        assertThat(committed(consumer)).isEqualTo(Map.of(P0, 3L));
        assertThat(offsetsOnDisk(0)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void syncsAfterEveryPollWithoutADelay() {
        ArchiveLoop loop = loop(Duration.ZERO, 1 << 20);
        MockConsumer<byte[], byte[]> consumer = UnsyncedBatchesTest.consumer(P0);

        loop.handle(consumer, batch(P0, 0, 3));

        assertThat(committed(consumer)).isEqualTo(Map.of(P0, 3L));
    }

    @Test
    void pollsNoLongerThanUntilTheNextSyncIsDue() {
        ArchiveLoop loop = loop(Duration.ofMillis(200), 1 << 20);
        MockConsumer<byte[], byte[]> consumer = UnsyncedBatchesTest.consumer(P0);
        assertThat(loop.nextPollTimeout()).isEqualTo(Duration.ofMillis(100));

        loop.handle(consumer, batch(P0, 0, 3));
        clockMs.addAndGet(150);

        assertThat(loop.nextPollTimeout()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void syncsAndCommitsEverythingWrittenWhenStopped() throws IOException {
        ArchiveLoop loop = loop(Duration.ofMinutes(1), 1 << 20);
        MockConsumer<byte[], byte[]> consumer = UnsyncedBatchesTest.consumer(P0, P1);
        loop.handle(consumer, batch(P0, 0, 3));
        loop.handle(consumer, batch(P1, 5, 2));

        loop.stop(consumer);

        assertThat(committed(consumer)).isEqualTo(Map.of(P0, 3L, P1, 7L));
        assertThat(offsetsOnDisk(1)).containsExactly(5L, 6L);
    }

    @Test
    void syncsAndCommitsARevokedPartitionBeforeAnotherArchiverTakesIt() throws IOException {
        ArchiveLoop loop = loop(Duration.ofMinutes(1), 1 << 20);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        loop.subscribe(consumer);
        consumer.rebalance(List.of(P0, P1));
        loop.handle(consumer, batch(P0, 0, 3));

        consumer.rebalance(List.of(P1));

        consumer.rebalance(List.of(P0, P1)); // MockConsumer reports committed offsets of assigned partitions only
        assertThat(committed(consumer)).isEqualTo(Map.of(P0, 3L));
        assertThat(offsetsOnDisk(0)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void writesNothingOfALostPartitionSinceAnotherArchiverMayOwnItsSegmentNow() throws IOException {
        ArchiveLoop loop = loop(Duration.ofMinutes(1), 1 << 20);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        loop.subscribe(consumer);
        consumer.rebalance(List.of(P0, P1));
        loop.handle(consumer, batch(P0, 0, 3));

        loop.onPartitionsLost(List.of(P0));
        loop.stop(consumer);

        assertThat(offsetsOnDisk(0)).as("buffered lines of the lost partition").isEmpty();
        assertThat(committed(consumer)).isEmpty();
    }

    @Test
    void readsAPartitionAgainFromItsFirstUnsyncedBatchWhenALaterBatchFails() throws IOException {
        ArchiveLoop loop = loop(Duration.ofMillis(200), 1 << 20);
        MockConsumer<byte[], byte[]> consumer = UnsyncedBatchesTest.consumer(P0, P1);
        loop.handle(consumer, batch(P0, 0, 3));
        loop.handle(consumer, batch(P1, 0, 1));

        loop.handle(consumer, new ConsumerRecords<>(Map.of(P0, List.of(record(P0, 3, new RecordHeaders()), record(P0, 4, poisoned()))), Map.of()));

        assertThat(consumer.position(P0)).as("read again from the first unsynced batch").isZero();
        assertThat(consumer.paused()).contains(P0);
        clockMs.addAndGet(200);
        loop.handle(consumer, NOTHING);
        assertThat(committed(consumer)).as("only the partition that did not fail").isEqualTo(Map.of(P1, 1L));

        loop.handle(consumer, batch(P0, 0, 5));
        clockMs.addAndGet(200);
        loop.handle(consumer, NOTHING);
        assertThat(committed(consumer)).isEqualTo(Map.of(P0, 5L, P1, 1L));
        assertThat(offsetsOnDisk(0)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    private ArchiveLoop loop(Duration maxSyncDelay, long maxUnsyncedBytes) {
        ArchiverSettings settings = ArchiverSettings.of(archiveDir, Set.of("fraud")).withSyncLimits(maxSyncDelay, maxUnsyncedBytes);
        return new ArchiveLoop(settings, Map.of("fraud.scores", new ArchiveTarget("fraud", RecordKind.SCORES)), clockMs::get);
    }

    private List<Long> offsetsOnDisk(int partition) throws IOException {
        List<Long> offsets = new ArrayList<>();
        Path dir = new ArchiveTarget("fraud", RecordKind.SCORES).directory(archiveDir);
        for (SegmentFiles.Segment segment : SegmentFiles.list(dir, "scores", partition)) {
            for (String line : Files.readAllLines(segment.path(), StandardCharsets.UTF_8)) {
                offsets.add(ArchivedLine.parse(line.getBytes(StandardCharsets.UTF_8)).offset());
            }
        }
        return offsets;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, RecordHeaders headers) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, 1L, TimestampType.CREATE_TIME,
                -1, 2, null, new byte[] {'{', '}'}, headers, Optional.empty());
    }

    /** A header that cannot be read: stands for any failure while a line is written. */
    private static RecordHeaders poisoned() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new Header() {
            @Override
            public String key() {
                return "poison";
            }

            @Override
            public byte[] value() {
                throw new IllegalStateException("unreadable header");
            }
        });
        return headers;
    }
}
