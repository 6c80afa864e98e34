package dev.rendezvous.bench.targets;

import dev.rendezvous.kafka.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One consumer of the Kafka floor on its own thread, with the platform's consumer settings: reads every
 * partition of one topic from its end (assigned, no group: no rebalance to wait for) and hands each
 * record to an action — re-producing it to the next hop, or completing the request at the last one.
 */
final class HopConsumer implements AutoCloseable {
    /** The platform's poll loops wait up to 100 ms too; a poll returns as soon as records arrive. */
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile boolean running = true;

    HopConsumer(KafkaSettings kafka, String topic, int partitions, Consumer<ConsumerRecord<String, byte[]>> action) {
        this.consumer = kafka.newStringKeyConsumer(null, "bench-floor-" + topic, "latest");
        List<TopicPartition> assigned = java.util.stream.IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        this.thread = new Thread(() -> loop(assigned, action), "bench-floor-" + topic);
        thread.setDaemon(true);
    }

    HopConsumer start() throws InterruptedException {
        thread.start();
        if (!positioned.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("consumer " + thread.getName() + " did not find its position within 30 s");
        }
        return this;
    }

    private void loop(List<TopicPartition> assigned, Consumer<ConsumerRecord<String, byte[]>> action) {
        try {
            consumer.assign(assigned);
            consumer.seekToEnd(assigned);
            assigned.forEach(consumer::position); // resolve the end now, so nothing produced after start() is skipped
            positioned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    action.accept(record);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
