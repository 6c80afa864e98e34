package dev.rendezvous.kafka;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Kafka consumer on its own thread until closed. A failure while handling a batch is logged,
 * the batch's partitions are rewound to its first record and paused for a second, and the loop goes
 * on: the batch is handled again rather than silently skipped by the next commit, and a lasting
 * failure is retried calmly. Handlers deal with bad single records themselves (usually by
 * dead-lettering them), so that one poison record never holds a partition.
 *
 * @param <K> key type
 */
public final class PollLoop<K> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);

    /** What to do with each polled batch, and how long the next poll may block. */
    public interface Handler<K> {
        void onRecords(Consumer<K, byte[]> consumer, ConsumerRecords<K, byte[]> records);

        /** How long the next {@code poll} may wait; a time-driven handler returns its next deadline. */
        default Duration nextPollTimeout() {
            return Duration.ofMillis(100);
        }

        /** Called on the loop thread once the loop ends, before the consumer closes. */
        default void onStop(Consumer<K, byte[]> consumer) {
        }
    }

    private final String name;
    private final Consumer<K, byte[]> consumer;
    private final Handler<K> handler;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final BatchRetry retry = new BatchRetry(Duration.ofSeconds(1));
    /** Subscription changes asked for from other threads; the consumer is not thread-safe, so the loop applies them. */
    private final Queue<java.util.function.Consumer<Consumer<K, byte[]>>> resubscriptions = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    public PollLoop(String name, Consumer<K, byte[]> consumer, java.util.function.Consumer<Consumer<K, byte[]>> subscribe, Handler<K> handler) {
        this.name = name;
        this.consumer = consumer;
        this.handler = handler;
        this.thread = new Thread(() -> run(subscribe), name);
        this.thread.setDaemon(true);
    }

    public PollLoop<K> start() {
        thread.start();
        return this;
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    private void run(java.util.function.Consumer<Consumer<K, byte[]>> subscribe) {
        try {
            subscribe.accept(consumer);
            while (running) {
                for (java.util.function.Consumer<Consumer<K, byte[]>> change; (change = resubscriptions.poll()) != null; ) {
                    change.accept(consumer);
                }
                retry.resumeIfDue(consumer);
                ConsumerRecords<K, byte[]> records = consumer.poll(handler.nextPollTimeout());
                try {
                    handler.onRecords(consumer, records);
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.error("{}: failed to handle a batch of {} records from {}; retrying it in 1 s", name, records.count(), records.partitions(), e);
                    retry.retryLater(consumer, records, records.partitions());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("{}: unexpected wakeup", name, e);
            }
        } catch (RuntimeException e) {
            LOG.error("{}: consumer loop stopped by an error", name, e);
        } finally {
            try {
                handler.onStop(consumer);
            } catch (RuntimeException e) {
                LOG.warn("{}: error while stopping", name, e);
            }
            // Leave the group even as a static member: a clean stop hands its partitions over at once.
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)).withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            running = false;
            stopped.countDown();
        }
    }

    /**
     * Runs {@code change} (typically a {@code subscribe} with more topics) on the loop thread before
     * its next poll, at most one poll timeout from now: how a service takes up an app created while it runs.
     */
    public void resubscribe(java.util.function.Consumer<Consumer<K, byte[]>> change) {
        resubscriptions.add(change);
    }

    /** Stops polling, lets the handler finish, closes the consumer (leaving the group) and waits up to 10 s. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            if (thread.isAlive() && !stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("{}: did not stop within 10 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
