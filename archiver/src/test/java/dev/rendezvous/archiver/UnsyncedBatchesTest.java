package dev.rendezvous.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.kafka.PendingOffsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnsyncedBatchesTest {
    private static final TopicPartition P0 = new TopicPartition("fraud.decoy", 0);
    private static final TopicPartition P1 = new TopicPartition("fraud.decoy", 1);

    @ParameterizedTest(name = "written at {0} ms ({1} bytes), asked at {2} ms: due {3}, {4} ms to go")
    @CsvSource({
            "1000, 10, 1000, false, 200",
            "1000, 10, 1199, false, 1",
            "1000, 10, 1200, true, 0",
            "1000, 10, 5000, true, 0",
            "1000, 4096, 1000, true, 0",
            "1000, 5000, 1001, true, 0",
    })
    void isDueOnceTheOldestWrittenLinesWaitedTheDelayOrEnoughBytesWait(long writtenAtMs, long bytes, long nowMs, boolean due, long msToGo) {
        UnsyncedBatches unsynced = new UnsyncedBatches(200, 4096);

        unsynced.written(P0, batch(P0, 0, 3), bytes, writtenAtMs);

        assertThat(unsynced.isDue(nowMs)).isEqualTo(due);
        assertThat(unsynced.msUntilDue(nowMs)).isEqualTo(msToGo);
    }

    @Test
    void countsTheDelayFromTheOldestUnsyncedBatchAcrossPartitions() {
        UnsyncedBatches unsynced = new UnsyncedBatches(200, 4096);

        unsynced.written(P0, batch(P0, 0, 3), 10, 1000);
        unsynced.written(P1, batch(P1, 0, 3), 10, 1150);
        unsynced.written(P0, batch(P0, 3, 3), 10, 1190);

        assertThat(unsynced.isDue(1199)).isFalse();
        assertThat(unsynced.isDue(1200)).isTrue();
        assertThat(unsynced.partitions()).containsExactlyInAnyOrder(P0, P1);
    }

    @Test
    void isNeverDueWhileNothingWaits() {
        UnsyncedBatches unsynced = new UnsyncedBatches(0, 1);

        assertThat(unsynced.isDue(Long.MAX_VALUE)).isFalse();
        assertThat(unsynced.msUntilDue(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void makesThePartitionCommittableUpToItsLatestBatchOnlyWhenSynced() {
        UnsyncedBatches unsynced = new UnsyncedBatches(200, 4096);
        MockConsumer<byte[], byte[]> consumer = consumer(P0, P1);
        PendingOffsets pending = new PendingOffsets("test");
        unsynced.written(P0, batch(P0, 0, 3), 10, 1000);
        unsynced.written(P0, batch(P0, 3, 4), 10, 1100);
        unsynced.written(P1, batch(P1, 0, 2), 10, 1100);

        pending.commit(consumer);
        assertThat(committed(consumer)).isEmpty();
        unsynced.synced(P0, pending);
        pending.commit(consumer);

        assertThat(committed(consumer)).isEqualTo(Map.of(P0, 7L));
        assertThat(unsynced.partitions()).containsExactly(P1);
        assertThat(unsynced.isDue(1_000_000)).isTrue();
    }

    @Test
    void givesTheFirstUnsyncedBatchBackWhenAPartitionIsForgotten() {
        UnsyncedBatches unsynced = new UnsyncedBatches(200, 4096);
        ConsumerRecords<byte[], byte[]> first = batch(P0, 10, 3);
        unsynced.written(P0, first, 10, 1000);
        unsynced.written(P0, batch(P0, 13, 3), 10, 1100);

        assertThat(unsynced.forget(P0)).isSameAs(first);
        assertThat(unsynced.forget(P0)).isNull();
        assertThat(unsynced.isDue(1_000_000)).isFalse();
    }

    @Test
    void startsTheByteCountAfreshOnceEverythingIsSynced() {
        UnsyncedBatches unsynced = new UnsyncedBatches(200, 100);
        unsynced.written(P0, batch(P0, 0, 1), 90, 1000);
        unsynced.synced(P0, new PendingOffsets("test"));

        unsynced.written(P0, batch(P0, 1, 1), 90, 2000);

        assertThat(unsynced.isDue(2000)).isFalse();
    }

    static ConsumerRecords<byte[], byte[]> batch(TopicPartition partition, long firstOffset, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = LongStream.range(firstOffset, firstOffset + count)
                .mapToObj(offset -> new ConsumerRecord<>(partition.topic(), partition.partition(), offset, 1L, TimestampType.CREATE_TIME,
                        -1, 2, (byte[]) null, new byte[] {'{', '}'}, new RecordHeaders(), Optional.<Integer>empty()))
                .toList();
        return new ConsumerRecords<>(Map.of(partition, records), Map.of());
    }

    static MockConsumer<byte[], byte[]> consumer(TopicPartition... partitions) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(partitions));
        return consumer;
    }

    static Map<TopicPartition, Long> committed(MockConsumer<byte[], byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(consumer.assignment()));
        return committed.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
