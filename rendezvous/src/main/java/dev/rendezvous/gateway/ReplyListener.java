package dev.rendezvous.gateway;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this gateway's reply topic and hands each decision to the waiting request. It uses no
 * consumer group: the topic belongs to this instance alone, and only replies from now on matter.
 */
final class ReplyListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);
    private final PollLoop<byte[]> loop;
    private final java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);

    ReplyListener(KafkaSettings settings, String replyTopic, int partitions, PendingReplies pending) {
        KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer(null, "gateway-replies-" + replyTopic, "latest");
        List<TopicPartition> assigned = java.util.stream.IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(replyTopic, p)).toList();
        loop = new PollLoop<>("gateway-replies", consumer, c -> {
            c.assign(assigned);
            c.seekToEnd(assigned);
            assigned.forEach(c::position);
            positioned.countDown();
        }, new PollLoop.Handler<>() {
            @Override
            public void onRecords(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> records) {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    try {
                        pending.complete(JsonCodec.decode(record.value(), Decision.class));
                    } catch (MalformedRecordException e) {
                        LOG.warn("ignoring malformed reply at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                    } catch (RuntimeException e) {
                        // Thrown into the poll loop, it would rewind this topic and re-read the same reply forever.
                        LOG.error("ignoring reply at {}-{}@{} that could not be handled", record.topic(), record.partition(), record.offset(), e);
                    }
                }
            }
        });
    }

    /** Starts listening and returns once the listener is positioned at the end of the topic. */
    ReplyListener start() throws InterruptedException {
        loop.start();
        if (!positioned.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the reply listener could not reach its topic within 30 s");
        }
        return this;
    }

    boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public void close() {
        loop.close();
    }
}
