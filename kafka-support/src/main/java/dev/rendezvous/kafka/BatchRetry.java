package dev.rendezvous.kafka;

import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Makes a failed batch be read again: the consumer's position has already moved past it, so without
 * a seek back the next successful commit would silently skip it. Partitions are paused for a while
 * so that a lasting failure (broker down, disk full) is retried calmly, not in a tight loop.
 */
public final class BatchRetry {
    private final long pauseNanos;
    private long resumeAtNanos;
    private boolean paused;

    public BatchRetry(Duration pause) {
        this.pauseNanos = pause.toNanos();
    }

    /** Seeks each failed partition (still assigned) back to the batch's first record and pauses all partitions. */
    public void retryLater(Consumer<?, ?> consumer, ConsumerRecords<?, ?> records, Collection<TopicPartition> failed) {
        for (TopicPartition partition : failed) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
        consumer.pause(consumer.assignment());
        paused = true;
        resumeAtNanos = System.nanoTime() + pauseNanos;
    }

    /** Resumes the paused partitions once the pause is over; call before handling each poll. */
    public void resumeIfDue(Consumer<?, ?> consumer) {
        if (paused && System.nanoTime() - resumeAtNanos >= 0) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }
}
