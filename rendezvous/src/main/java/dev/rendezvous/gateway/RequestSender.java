package dev.rendezvous.gateway;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code producer.send()} on a thread of its own, fed by a bounded queue, so that no Vert.x
 * event loop ever waits in it: {@code send()} blocks for up to {@code max.block.ms} while it fetches
 * metadata or waits for buffer space, and with the broker gone it did so for every request, holding up
 * every other request and {@code /health/live} on the same loop (issue 20). Each outcome feeds
 * {@link KafkaAvailability}; while Kafka is unavailable a queued record is not sent but refused.
 */
final class RequestSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestSender.class);

    /**
     * One record to send.
     *
     * @param stillWanted false once the request was answered otherwise (its deadline passed while it waited here): then it is dropped
     * @param notWritten  called, on any thread, with the reason when the record was not written
     */
    record Outgoing(ProducerRecord<String, byte[]> record, BooleanSupplier stillWanted, Consumer<String> notWritten) {
    }

    private final Producer<String, byte[]> producer;
    private final KafkaAvailability availability;
    private final BlockingQueue<Outgoing> queue;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param capacity records that may wait at most; the in-flight limit bounds them anyway, so {@code gateway.maxInflight} fits */
    RequestSender(Producer<String, byte[]> producer, KafkaAvailability availability, int capacity) {
        this.producer = producer;
        this.availability = availability;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "gateway-kafka-sender");
        this.thread.setDaemon(true);
    }

    RequestSender start() {
        thread.start();
        return this;
    }

    /** Queues a record without blocking; false when the queue is full or the sender is closed. */
    boolean submit(Outgoing outgoing) {
        return running && queue.offer(outgoing);
    }

    /** Records waiting to be sent: the gauge {@code rdv_gateway_kafka_send_queue}. */
    int queued() {
        return queue.size();
    }

    private void run() {
        while (running) {
            Outgoing next;
            try {
                next = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (next != null && next.stillWanted().getAsBoolean()) {
                send(next);
            }
        }
    }

    private void send(Outgoing outgoing) {
        var problem = availability.problem();
        if (problem.isPresent()) {
            outgoing.notWritten().accept(problem.get());
            return;
        }
        availability.sending();
        try {
            producer.send(outgoing.record(), (metadata, error) -> {
                if (error == null) {
                    availability.acknowledged();
                    return;
                }
                if (error instanceof RetriableException) {
                    availability.failed(error.getMessage());
                }
                outgoing.notWritten().accept("the request could not be written to Kafka: " + error.getMessage());
            });
        } catch (InterruptException e) {
            // close() interrupts a send that waits for a broker that is gone.
            outgoing.notWritten().accept("the gateway is shutting down");
            Thread.currentThread().interrupt();
            running = false;
        } catch (RuntimeException e) {
            // send() itself throws when metadata cannot be fetched within max.block.ms: Kafka is away.
            if (e instanceof RetriableException) {
                availability.failed(e.getMessage());
            }
            outgoing.notWritten().accept("the request could not be written to Kafka: " + e.getMessage());
        } finally {
            availability.sendReturned();
        }
    }

    /** Stops the thread, interrupting a send that waits for Kafka; records still queued are dropped (their requests were answered). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            LOG.info("gateway sender closes with {} unsent records of requests already answered", queue.size());
        }
    }
}
