package dev.rendezvous.engine;

import dev.rendezvous.kafka.DeadLetters;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.TopicNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a decision to the caller's return address and to the application's results topic, without
 * ever blocking the engine thread on Kafka metadata.
 *
 * <p>{@code producer.send()} blocks for up to {@code max.block.ms} (60 s by default) while it looks up
 * a topic it has no metadata for, and for a topic that does not exist it blocks that long every time:
 * one Kafka-native request naming a missing reply topic stalled a rendezvous for 60 s (3,981 of 8,000
 * requests answered 504). So a reply topic is sent to from the engine thread only once it is known to
 * exist; the first decision for any other topic is handed to a checker thread that asks Kafka (with a
 * short timeout) and then sends, or dead-letters the request with the reason. A topic found missing is
 * remembered for {@link #MISSING_RECHECK_MS}, and its decisions are dead-lettered at once meanwhile.
 */
final class DecisionPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionPublisher.class);
    static final long MISSING_RECHECK_MS = 10_000;

    /** Looks up whether a topic exists; blocking, called on the checker thread only. */
    interface TopicCheck {
        boolean exists(String topic) throws Exception;
    }

    private record Reply(Decision decision, byte[] value, String traceparent, ConsumerRecord<?, byte[]> request, String decidedBy) {
    }

    private final Producer<String, byte[]> producer;
    private final TopicNames topics;
    private final DeadLetters deadLetters;
    private final TopicCheck topicCheck;
    private final LongSupplier clock;
    private final Counter undeliverable;
    /** Topics known to exist: sent to directly from the engine thread. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Topics found missing, with when: their replies are dead-lettered until the time is up. */
    private final Map<String, Long> missingSince = new ConcurrentHashMap<>();
    /** Replies waiting for their topic's check, by topic; guarded by itself. */
    private final Map<String, List<Reply>> waiting = new HashMap<>();
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "rendezvous-reply-topic-check");
        thread.setDaemon(true);
        return thread;
    });

    DecisionPublisher(Producer<String, byte[]> producer, TopicNames topics, DeadLetters deadLetters, TopicCheck topicCheck,
                      MeterRegistry registry, LongSupplier clock) {
        this.producer = producer;
        this.topics = topics;
        this.deadLetters = deadLetters;
        this.topicCheck = topicCheck;
        this.clock = clock;
        this.undeliverable = registry.counter("rdv.rendezvous.replies.undeliverable");
    }

    /** Marks topics as existing (the results topics, provisioned at start-up). */
    void knownToExist(Iterable<String> existing) {
        existing.forEach(known::add);
    }

    /**
     * Publishes {@code decision} to its results topic and, when {@code replyTo} is set, to the caller;
     * {@code request} is the request's record, dead-lettered if the reply cannot be delivered.
     */
    void publish(Decision decision, String replyTo, String traceparent, ConsumerRecord<?, byte[]> request) {
        publish(decision, replyTo, traceparent, request, null);
    }

    /**
     * As {@link #publish(Decision, String, String, ConsumerRecord)}, marked with who decided
     * ({@link RecordHeaders#DECIDED_BY}; null for the partition's owner). The results record goes to the
     * request's partition number, whatever its key hashes to, so that a standby reading results-pN
     * beside requests-pN sees every owner's decision of the requests it watches.
     */
    void publish(Decision decision, String replyTo, String traceparent, ConsumerRecord<?, byte[]> request, String decidedBy) {
        Reply reply = new Reply(decision, JsonCodec.encode(decision), traceparent, request, decidedBy);
        replyOnly(reply, replyTo);
        send(topics.results(decision.app()), request == null ? null : request.partition(), reply);
    }

    /**
     * Sends a decision already on the results topic (made by a previous owner of the request) to the
     * caller again, and nowhere else: the caller may not have got it, and the results topic must hold
     * one decision per request. {@code value} is the decision's record as it is on the results topic.
     */
    void resend(Decision decision, byte[] value, String replyTo, String traceparent, ConsumerRecord<?, byte[]> request) {
        replyOnly(new Reply(decision, value, traceparent, request, null), replyTo);
    }

    private void replyOnly(Reply reply, String replyTo) {
        if (replyTo == null) {
            return;
        }
        if (known.contains(replyTo)) {
            send(replyTo, reply);
        } else {
            deliverLater(replyTo, reply);
        }
    }

    private void deliverLater(String topic, Reply reply) {
        Long missing = missingSince.get(topic);
        if (missing != null && clock.getAsLong() - missing < MISSING_RECHECK_MS) {
            undeliverable(topic, reply, "reply topic '" + topic + "' does not exist");
            return;
        }
        synchronized (waiting) {
            List<Reply> queued = waiting.get(topic);
            if (queued != null) {
                queued.add(reply);
                return;
            }
            queued = new ArrayList<>();
            queued.add(reply);
            waiting.put(topic, queued);
        }
        checker.execute(() -> check(topic));
    }

    private void check(String topic) {
        boolean exists;
        String problem;
        try {
            exists = topicCheck.exists(topic);
            problem = exists ? null : "reply topic '" + topic + "' does not exist";
        } catch (Exception e) {
            exists = false;
            problem = "reply topic '" + topic + "' could not be looked up: " + e;
        }
        if (exists) {
            known.add(topic);
            missingSince.remove(topic);
        } else {
            missingSince.put(topic, clock.getAsLong());
        }
        List<Reply> queued;
        synchronized (waiting) {
            queued = waiting.remove(topic);
        }
        for (Reply reply : queued == null ? List.<Reply>of() : queued) {
            if (exists) {
                send(topic, reply);
            } else {
                undeliverable(topic, reply, problem);
            }
        }
    }

    private void undeliverable(String topic, Reply reply, String problem) {
        undeliverable.increment();
        deadLetters.send(topics.deadLetter(reply.decision().app()), reply.request(), "reply not delivered: " + problem
                + "; the decision for request " + reply.decision().requestId() + " is on " + topics.results(reply.decision().app()));
    }

    private void send(String topic, Reply reply) {
        send(topic, null, reply);
    }

    private void send(String topic, Integer partition, Reply reply) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, reply.decision().requestId(), reply.value());
        if (reply.traceparent() != null) {
            RecordHeaders.put(record.headers(), RecordHeaders.TRACEPARENT, reply.traceparent());
        }
        if (reply.decidedBy() != null) {
            RecordHeaders.put(record.headers(), RecordHeaders.DECIDED_BY, reply.decidedBy());
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                LOG.error("cannot send decision for request {} to {}: {}", record.key(), record.topic(), error.toString());
            }
        });
    }

    void flush() {
        producer.flush();
    }

    /** Stops the checker after the checks already asked for (each is bounded by its lookup's timeout). */
    @Override
    public void close() {
        checker.shutdown();
        try {
            if (!checker.awaitTermination(5, TimeUnit.SECONDS)) {
                checker.shutdownNow();
            }
        } catch (InterruptedException e) {
            checker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
