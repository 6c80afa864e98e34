package dev.rendezvous.archiver;

import dev.rendezvous.kafka.PendingOffsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * The polled batches whose lines are written but not yet fsync'd, and when the next sync is due: once
 * the oldest of them has waited {@code maxDelayMs}, or once {@code maxBytes} of lines are waiting.
 * Their offsets become committable only when their partition is synced ({@link #synced}).
 *
 * <p>Why: an fsync per partition after every poll cost a fifth of the archiver's CPU at 1,000
 * requests/s, and each poll carries an offset commit; syncing a few times a second instead costs
 * only commit latency (offsets wait up to {@code maxDelayMs} longer), never durability.
 */
final class UnsyncedBatches {
    private final long maxDelayMs;
    private final long maxBytes;
    /** Per partition the first batch not yet synced (where a failed sync reads again) and the latest (what a sync makes committable). */
    private final Map<TopicPartition, Range> partitions = new LinkedHashMap<>();
    private long oldestWrittenAtMs;
    private long bytes;

    UnsyncedBatches(long maxDelayMs, long maxBytes) {
        this.maxDelayMs = maxDelayMs;
        this.maxBytes = maxBytes;
    }

    /** Notes that the records of {@code partition} in {@code batch} are written ({@code lineBytes} of lines) but not synced. */
    void written(TopicPartition partition, ConsumerRecords<?, ?> batch, long lineBytes, long nowMs) {
        if (partitions.isEmpty()) {
            oldestWrittenAtMs = nowMs;
        }
        Range range = partitions.get(partition);
        partitions.put(partition, new Range(range == null ? batch : range.first(), batch));
        bytes += lineBytes;
    }

    /** Whether the partitions should be synced now. */
    boolean isDue(long nowMs) {
        return !partitions.isEmpty() && (nowMs - oldestWrittenAtMs >= maxDelayMs || bytes >= maxBytes);
    }

    /** Milliseconds until {@link #isDue} (0 when it is), or {@link Long#MAX_VALUE} when nothing waits. */
    long msUntilDue(long nowMs) {
        if (partitions.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return bytes >= maxBytes ? 0 : Math.max(0, oldestWrittenAtMs + maxDelayMs - nowMs);
    }

    /** The partitions with lines waiting for a sync. */
    Set<TopicPartition> partitions() {
        return Set.copyOf(partitions.keySet());
    }

    /** The partition's lines are on disk: its offsets up to its latest batch become committable. */
    void synced(TopicPartition partition, PendingOffsets pending) {
        Range range = partitions.remove(partition);
        if (range != null) {
            pending.markDone(range.latest(), partition);
        }
        resetIfEmpty();
    }

    /**
     * The partition's unsynced lines are given up (its writer was abandoned or closed uncleanly);
     * returns the first batch whose records must be read again, or null when none waited.
     */
    ConsumerRecords<?, ?> forget(TopicPartition partition) {
        Range range = partitions.remove(partition);
        resetIfEmpty();
        return range == null ? null : range.first();
    }

    private void resetIfEmpty() {
        if (partitions.isEmpty()) {
            bytes = 0;
        }
    }

    private record Range(ConsumerRecords<?, ?> first, ConsumerRecords<?, ?> latest) {
    }
}
