package dev.rendezvous.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Offsets of records whose effect is durable but not yet committed; kept until a commit succeeds so that none is forgotten. */
public final class PendingOffsets {
    private static final Logger LOG = LoggerFactory.getLogger(PendingOffsets.class);

    private final String name;
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();

    public PendingOffsets(String name) {
        this.name = name;
    }

    /** Marks every record of {@code records} in {@code partition} as done. */
    public void markDone(ConsumerRecords<?, ?> records, TopicPartition partition) {
        var batch = records.records(partition);
        long next = batch.get(batch.size() - 1).offset() + 1;
        pending.put(partition, records.nextOffsets().getOrDefault(partition, new OffsetAndMetadata(next)));
    }

    /**
     * Commits what is pending for partitions still assigned. A failed commit is only logged: the
     * effect is durable, so the worst outcome is that a later owner processes the records again.
     * A wakeup is rethrown with the offsets kept, so that the stopping loop can commit them.
     */
    public void commit(Consumer<?, ?> consumer) {
        pending.keySet().retainAll(consumer.assignment());
        if (pending.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(pending);
            pending.clear();
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("{}: cannot commit offsets {} yet ({}); will retry", name, pending, e.toString());
        }
    }
}
