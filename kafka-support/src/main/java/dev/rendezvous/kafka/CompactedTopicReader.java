package dev.rendezvous.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads compacted control topics (policies, registry, heartbeats) from the beginning and then keeps
 * following them, handing every record to a callback on its own thread. No consumer group: every
 * instance needs the whole topic. {@link #awaitCaughtUp} tells when the state that existed at start
 * has been read.
 */
public final class CompactedTopicReader implements AutoCloseable {
    /** Receives each record; a null value is a tombstone (the key was deleted). */
    public interface RecordSink {
        void accept(ConsumerRecord<byte[], byte[]> record);
    }

    private final PollLoop<byte[]> loop;
    private final CountDownLatch caughtUp = new CountDownLatch(1);

    public CompactedTopicReader(KafkaSettings settings, String clientId, List<String> topics, RecordSink sink) {
        KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer(null, clientId, "earliest");
        AtomicReference<Map<TopicPartition, Long>> endAtStart = new AtomicReference<>(Map.of());
        loop = new PollLoop<>(clientId, consumer, c -> {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            endAtStart.set(c.endOffsets(partitions));
            checkCaughtUp(c, endAtStart.get());
        }, new PollLoop.Handler<>() {
            @Override
            public void onRecords(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    sink.accept(record);
                }
                if (caughtUp.getCount() > 0) {
                    checkCaughtUp(c, endAtStart.get());
                }
            }
        });
    }

    private void checkCaughtUp(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return;
            }
        }
        caughtUp.countDown();
    }

    public CompactedTopicReader start() {
        loop.start();
        return this;
    }

    /** Waits until every record that existed when reading started has been handed to the sink. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public void close() {
        loop.close();
    }
}
