package dev.rendezvous.runner;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets waiting for their batch's score sends to finish, in poll order. A batch's offsets become
 * committable only when every send of that batch and of all earlier batches is done, so a commit
 * never covers a score Kafka has not yet answered for — without blocking the poll loop on acks.
 */
final class PendingCommits {
    private record Batch(Map<TopicPartition, OffsetAndMetadata> offsets, List<? extends Future<?>> sends) {
    }

    private final Deque<Batch> batches = new ArrayDeque<>();

    /** {@code offsets}: per partition, the offset after the batch's last record. */
    void add(Map<TopicPartition, OffsetAndMetadata> offsets, List<? extends Future<?>> sends) {
        if (!offsets.isEmpty()) {
            batches.addLast(new Batch(Map.copyOf(offsets), List.copyOf(sends)));
        }
    }

    /** Removes and merges the leading batches whose sends are all done (acknowledged or failed). */
    Map<TopicPartition, OffsetAndMetadata> takeCompleted() {
        Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
        while (!batches.isEmpty() && batches.peekFirst().sends().stream().allMatch(Future::isDone)) {
            mergeInto(merged, batches.removeFirst());
        }
        return merged;
    }

    /** Removes and merges every batch; call once the producer has been flushed. */
    Map<TopicPartition, OffsetAndMetadata> takeAll() {
        Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
        while (!batches.isEmpty()) {
            mergeInto(merged, batches.removeFirst());
        }
        return merged;
    }

    /** The highest offset wins: after a rewound retry a later batch may end below an earlier one. */
    private static void mergeInto(Map<TopicPartition, OffsetAndMetadata> merged, Batch batch) {
        batch.offsets().forEach((partition, offset) ->
                merged.merge(partition, offset, (a, b) -> a.offset() >= b.offset() ? a : b));
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }
}
