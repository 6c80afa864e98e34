package dev.rendezvous.decoy;

import dev.rendezvous.decoy.redaction.Redactor;
import dev.rendezvous.kafka.BatchRetry;
import dev.rendezvous.kafka.PendingOffsets;
import dev.rendezvous.kafka.PollLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies each polled batch to the decoy topics and commits the source offsets only once every copy
 * is acknowledged (at-least-once: a crash between the acknowledgement and the commit repeats copies).
 */
final class DecoyLoop implements PollLoop.Handler<byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DecoyLoop.class);

    private final Producer<byte[], byte[]> producer;
    private final Map<String, String> decoyTopicBySource;
    private final Map<String, Redactor> redactorBySource;
    private final Clock clock;
    private final PendingOffsets pending = new PendingOffsets("decoy");
    private final BatchRetry retry = new BatchRetry(Duration.ofSeconds(1));

    DecoyLoop(Producer<byte[], byte[]> producer, Map<String, String> decoyTopicBySource, Clock clock) {
        this(producer, decoyTopicBySource, Map.of(), clock);
    }

    /** With a redactor per source (requests) topic; sources without one are copied byte for byte. */
    DecoyLoop(Producer<byte[], byte[]> producer, Map<String, String> decoyTopicBySource, Map<String, Redactor> redactorBySource, Clock clock) {
        this.producer = producer;
        // Grows on the poll thread only, when an app is added (DecoyService#addApps); apps added so have no redaction.
        this.decoyTopicBySource = new java.util.LinkedHashMap<>(decoyTopicBySource);
        this.redactorBySource = Map.copyOf(redactorBySource);
        this.clock = clock;
    }

    /** Adds source-to-decoy pairs and returns every source topic; call on the poll thread. */
    java.util.List<String> addSources(Map<String, String> more) {
        decoyTopicBySource.putAll(more);
        return java.util.List.copyOf(decoyTopicBySource.keySet());
    }

    @Override
    public void onRecords(Consumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        retry.resumeIfDue(consumer);
        if (!records.isEmpty()) {
            if (!copyAndAwaitAcks(records)) {
                retry.retryLater(consumer, records, records.partitions());
                return;
            }
            records.partitions().forEach(partition -> pending.markDone(records, partition));
        }
        pending.commit(consumer);
    }

    @Override
    public void onStop(Consumer<byte[], byte[]> consumer) {
        // The stop may have interrupted the last commit; every pending copy is already acknowledged.
        pending.commit(consumer);
    }

    private boolean copyAndAwaitAcks(ConsumerRecords<byte[], byte[]> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.count());
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(DecoyCopy.of(record, decoyTopicBySource.get(record.topic()), clock.millis(),
                        redactorBySource.get(record.topic()))));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            return true;
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("decoy: copies of {} records from {} not acknowledged ({}); copying them again from the batch start",
                    records.count(), records.partitions(), cause.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
