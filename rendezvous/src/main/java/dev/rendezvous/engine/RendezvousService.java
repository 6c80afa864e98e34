package dev.rendezvous.engine;

import dev.rendezvous.kafka.DeadLetters;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rendezvous: reads each application's requests and scores (co-partitioned by request id),
 * keeps a mailbox per pending request, asks the application's {@link Arbiter} for a verdict on
 * every arrival and at every wake-up time, and publishes the decision.
 *
 * <p>A plain consumer rather than Kafka Streams: one thread owns the mailboxes, polls with a timeout
 * that ends at the next wake-up, and so decides within about a millisecond of a deadline without
 * locks or punctuation granularity. Offsets are committed only up to the oldest undecided request
 * (and its scores), so an instance that dies leaves its in-flight requests to be re-read and answered
 * by the next owner.
 */
public final class RendezvousService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RendezvousService.class);
    /** Decided mailboxes are kept this long to recognise (and count) late answers. */
    private static final long KEEP_DECIDED_MS = 10_000;
    /** Scores whose request never shows up are dropped after this long. */
    private static final long ORPHAN_MS = 60_000;
    private static final long MAX_POLL_MS = 100;
    private static final long COMMIT_INTERVAL_MS = 100;
    /** A decision this much past its deadline counts as a deadline miss (the rendezvous itself was late). */
    private static final long DEADLINE_SLACK_MS = 5;
    /** The longest a stopping instance keeps deciding its in-flight requests. */
    private static final long DRAIN_MAX_MS = 5_000;

    private final PollLoop<byte[]> loop;
    private final KafkaProducer<String, byte[]> producer;

    private RendezvousService(PollLoop<byte[]> loop, KafkaProducer<String, byte[]> producer) {
        this.loop = loop;
        this.producer = producer;
    }

    /**
     * Starts a rendezvous instance in consumer group {@code groupId} for the given applications.
     *
     * @param arbiters the arbiter of each application, looked up when a request arrives, so that a
     *                 new policy takes effect for the next request
     */
    public static RendezvousService start(KafkaSettings settings, Collection<String> apps, String groupId,
                                          Function<String, Arbiter> arbiters, MeterRegistry registry, LongSupplier clock) {
        String clientId = groupId + "-" + Long.toHexString(System.nanoTime());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producerConfig(clientId), new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> consumerConfig = settings.consumerConfig(groupId, clientId, "earliest");
        // Range assignment gives one instance the same partition number of every topic it reads:
        // requests-p3 and scores-p3 land together, which is what co-partitioning needs.
        consumerConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        // With the default 3 s heartbeat, the surviving instance took up to 3 s to notice that a peer
        // left and to take over its partitions (measured: ~1 s of timeouts at 200 req/s). Beat faster.
        consumerConfig.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        consumerConfig.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Engine engine = new Engine(settings.topics(), apps, arbiters, new DecisionPublisher(producer, settings.topics()),
                new DeadLetters(producer, groupId), registry, clock);
        List<String> topics = new ArrayList<>();
        for (String app : apps) {
            topics.add(settings.topics().requests(app));
            topics.add(settings.topics().scores(app));
        }
        PollLoop<byte[]> loop = new PollLoop<>("rendezvous-" + groupId, consumer,
                c -> c.subscribe(topics, engine.rebalanceListener(c)), engine).start();
        LOG.info("Rendezvous started for apps {} in group {}", apps, groupId);
        return new RendezvousService(loop, producer);
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(5));
    }

    /** The consumer-thread side: everything here runs on the poll loop's thread. */
    private static final class Engine implements PollLoop.Handler<byte[]> {
        private final Map<String, String> appOfRequestsTopic = new HashMap<>();
        private final Map<String, String> appOfScoresTopic = new HashMap<>();
        private final TopicNames topics;
        private final Function<String, Arbiter> arbiters;
        private final DecisionPublisher publisher;
        private final DeadLetters deadLetters;
        private final LongSupplier clock;
        private final MailboxStore store = new MailboxStore();
        private final OffsetTracker offsets = new OffsetTracker();
        private final EngineMeters meters;
        private boolean offsetsChanged;
        private long lastCommitMs;

        Engine(TopicNames topics, Collection<String> apps, Function<String, Arbiter> arbiters, DecisionPublisher publisher,
               DeadLetters deadLetters, MeterRegistry registry, LongSupplier clock) {
            this.topics = topics;
            this.arbiters = arbiters;
            this.publisher = publisher;
            this.deadLetters = deadLetters;
            this.clock = clock;
            for (String app : apps) {
                appOfRequestsTopic.put(topics.requests(app), app);
                appOfScoresTopic.put(topics.scores(app), app);
            }
            this.meters = new EngineMeters(registry);
            registry.gauge("rdv.rendezvous.mailboxes.undecided", store, MailboxStore::undecidedCount);
        }

        @Override
        public void onRecords(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
            long now = clock.getAsLong();
            Set<Mailbox> touched = new LinkedHashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String requestsApp = appOfRequestsTopic.get(record.topic());
                Mailbox mailbox = requestsApp != null
                        ? onRequest(requestsApp, record, now)
                        : onScore(appOfScoresTopic.get(record.topic()), record, now);
                if (mailbox != null) {
                    touched.add(mailbox);
                }
            }
            touched.addAll(store.due(now));
            for (Mailbox mailbox : touched) {
                evaluate(mailbox, now);
            }
            for (Mailbox orphan : store.sweep(now, KEEP_DECIDED_MS, ORPHAN_MS)) {
                LOG.warn("dropping {} scores for request {} of app {}: its request never arrived",
                        orphan.arrivals().size(), orphan.requestId(), orphan.app());
                orphan.scorePositions().forEach(p -> offsets.decided(p.partition(), p.offset()));
                offsetsChanged = true;
            }
            // At most ten commits a second: a commit per poll kept the group coordinator busy.
            if (offsetsChanged && now - lastCommitMs >= COMMIT_INTERVAL_MS) {
                lastCommitMs = now;
                consumer.commitAsync(offsets.committable(), (committed, error) -> {
                    if (error != null) {
                        LOG.warn("offset commit failed (will retry with the next one): {}", error.toString());
                    }
                });
                offsetsChanged = false;
            }
        }

        private Mailbox onRequest(String app, ConsumerRecord<byte[], byte[]> record, long now) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            ScoringRequest request;
            try {
                request = JsonCodec.decode(record.value(), ScoringRequest.class);
            } catch (MalformedRecordException e) {
                deadLetters.send(topics.deadLetter(app), record, e.getMessage());
                offsets.passed(partition, record.offset());
                offsetsChanged = true;
                return null;
            }
            Mailbox mailbox = store.open(app, request.id(), record.partition(), now, false);
            if (mailbox.request() != null) {
                // The same request id read twice (a producer retry or a re-read after failover): keep the first.
                offsets.passed(partition, record.offset());
                offsetsChanged = true;
                return null;
            }
            offsets.read(partition, record.offset());
            mailbox.attachRequest(request, new RecordPosition(partition, record.offset()),
                    RecordHeaders.text(record.headers(), RecordHeaders.TRACEPARENT).orElse(null), arbiters.apply(app));
            store.requestAttached(mailbox);
            return mailbox;
        }

        private Mailbox onScore(String app, ConsumerRecord<byte[], byte[]> record, long now) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            ModelScore score;
            try {
                score = JsonCodec.decode(record.value(), ModelScore.class);
            } catch (MalformedRecordException e) {
                deadLetters.send(topics.deadLetter(app), record, e.getMessage());
                offsets.passed(partition, record.offset());
                offsetsChanged = true;
                return null;
            }
            Mailbox mailbox = store.open(app, score.requestId(), record.partition(), now, true);
            if (!mailbox.add(new Arrival(score, now), new RecordPosition(partition, record.offset()))) {
                meters.lateAnswer(app, score);
                offsets.passed(partition, record.offset());
                offsetsChanged = true;
                return null;
            }
            offsets.read(partition, record.offset());
            if (mailbox.request() != null) {
                meters.answerArrived(app, score, now - mailbox.request().receivedAtMs());
            }
            return mailbox.request() == null ? null : mailbox;
        }

        private void evaluate(Mailbox mailbox, long now) {
            if (mailbox.decided() || mailbox.request() == null) {
                return;
            }
            Verdict verdict = mailbox.arbiter().evaluate(mailbox.request(), mailbox.arrivals(), now);
            if (verdict instanceof Verdict.Wait wait) {
                store.wakeAt(mailbox, wait.wakeAtMs());
                return;
            }
            Decision decision = ((Verdict.Decide) verdict).decision();
            mailbox.decide(decision);
            store.decided(mailbox);
            publisher.publish(decision, mailbox.request().replyTo(), mailbox.traceparent());
            offsets.decided(mailbox.position().partition(), mailbox.position().offset());
            mailbox.scorePositions().forEach(p -> offsets.decided(p.partition(), p.offset()));
            offsetsChanged = true;
            meters.decided(decision, DEADLINE_SLACK_MS);
        }

        @Override
        public Duration nextPollTimeout() {
            long untilWake = store.nextWakeMs() - clock.getAsLong();
            return Duration.ofMillis(Math.max(1, Math.min(MAX_POLL_MS, untilWake)));
        }

        /**
         * A clean stop hands over nothing in flight: stop reading new requests, keep reading scores and
         * deciding until every pending request is decided (at most {@link #DRAIN_MAX_MS}), then commit.
         * Without this, a stopping instance's pending requests wait for the next owner to re-read them.
         */
        @Override
        public void onStop(KafkaConsumer<byte[], byte[]> consumer) {
            List<TopicPartition> requestPartitions = consumer.assignment().stream()
                    .filter(p -> appOfRequestsTopic.containsKey(p.topic())).toList();
            consumer.pause(requestPartitions);
            long until = clock.getAsLong() + DRAIN_MAX_MS;
            while (store.undecidedCount() > 0 && clock.getAsLong() < until) {
                onRecords(consumer, consumer.poll(nextPollTimeout()));
            }
            publisher.flush();
            consumer.commitSync(offsets.committable());
        }

        ConsumerRebalanceListener rebalanceListener(KafkaConsumer<byte[], byte[]> consumer) {
            return new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    publisher.flush();
                    try {
                        consumer.commitSync(offsets.committable());
                    } catch (RuntimeException e) {
                        LOG.warn("could not commit offsets before losing partitions {}: {}", partitions, e.toString());
                    }
                    for (TopicPartition partition : partitions) {
                        offsets.forget(partition);
                        String app = appOfRequestsTopic.get(partition.topic());
                        if (app != null) {
                            store.dropPartition(app, partition.partition());
                        }
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.info("rendezvous owns {}", partitions);
                }
            };
        }
    }
}
