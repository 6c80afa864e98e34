package dev.rendezvous.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tracks which request offsets are still undecided per partition, so that a request's offset is
 * committed only after it was decided: a rendezvous that dies re-reads (and answers or times out)
 * whatever it had not decided.
 */
final class OffsetTracker {
    private final Map<TopicPartition, TreeSet<Long>> undecided = new HashMap<>();
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();

    void read(TopicPartition partition, long offset) {
        undecided.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        nextOffset.merge(partition, offset + 1, Math::max);
    }

    /** Records consumption of a record that needs no decision (scores, poison records). */
    void passed(TopicPartition partition, long offset) {
        nextOffset.merge(partition, offset + 1, Math::max);
    }

    void decided(TopicPartition partition, long offset) {
        TreeSet<Long> offsets = undecided.get(partition);
        if (offsets != null) {
            offsets.remove(offset);
        }
    }

    /** The offsets safe to commit now: the lowest undecided offset, or everything read. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        nextOffset.forEach((partition, next) -> {
            TreeSet<Long> offsets = undecided.get(partition);
            long safe = offsets == null || offsets.isEmpty() ? next : offsets.first();
            commit.put(partition, new OffsetAndMetadata(safe));
        });
        return commit;
    }

    void forget(TopicPartition partition) {
        undecided.remove(partition);
        nextOffset.remove(partition);
    }
}
