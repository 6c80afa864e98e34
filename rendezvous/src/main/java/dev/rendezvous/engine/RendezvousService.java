package dev.rendezvous.engine;

import dev.rendezvous.kafka.DeadLetters;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
    /** How long the reply-topic check may wait for Kafka; it runs off the engine thread. */
    private static final long TOPIC_CHECK_TIMEOUT_MS = 5_000;

    private final PollLoop<byte[]> loop;
    private final KafkaProducer<String, byte[]> producer;
    private final DecisionPublisher publisher;
    private final Admin admin;
    private final DecisionReadBack readBack;
    private final RendezvousEngine engine;
    private final KafkaSettings settings;

    private RendezvousService(PollLoop<byte[]> loop, KafkaProducer<String, byte[]> producer, DecisionPublisher publisher, Admin admin,
                              DecisionReadBack readBack, RendezvousEngine engine, KafkaSettings settings) {
        this.readBack = readBack;
        this.engine = engine;
        this.settings = settings;
        this.loop = loop;
        this.producer = producer;
        this.publisher = publisher;
        this.admin = admin;
    }

    /**
     * Starts a rendezvous instance in consumer group {@code groupId} for the given applications.
     *
     * @param arbiters the arbiter of each application, looked up when a request arrives, so that a
     *                 new policy takes effect for the next request
     */
    public static RendezvousService start(KafkaSettings settings, Collection<String> apps, String groupId,
                                          Function<String, Arbiter> arbiters, MeterRegistry registry, LongSupplier clock) {
        return start(settings, apps, groupId, arbiters, RendezvousSettings.DEFAULTS, registry, clock);
    }

    /** As {@link #start(KafkaSettings, Collection, String, Function, MeterRegistry, LongSupplier)}, timed by {@code timing}. */
    public static RendezvousService start(KafkaSettings settings, Collection<String> apps, String groupId,
                                          Function<String, Arbiter> arbiters, RendezvousSettings timing,
                                          MeterRegistry registry, LongSupplier clock) {
        String clientId = groupId + "-" + Long.toHexString(System.nanoTime());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producerConfig(clientId), new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> consumerConfig = settings.consumerConfig(groupId, clientId, "earliest");
        // Range assignment gives one instance the same partition number of every topic it reads:
        // requests-p3 and scores-p3 land together, which is what co-partitioning needs.
        // (Eager, so a rebalance moves whole partition numbers; cooperative-sticky could split a pair.)
        consumerConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        // With the default 3 s heartbeat, the surviving instance took up to 3 s to notice that a peer
        // left and to take over its partitions (measured: ~1 s of timeouts at 200 req/s). Beat faster.
        if (!settings.clientProperties().containsKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
            consumerConfig.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        }
        if (!settings.clientProperties().containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            consumerConfig.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        DeadLetters deadLetters = new DeadLetters(producer, "rendezvous", groupId);
        Admin admin = settings.newAdmin(clientId + "-reply-topics");
        DecisionPublisher publisher = new DecisionPublisher(producer, settings.topics(), deadLetters,
                topic -> topicExists(admin, topic),
                registry, clock);
        publisher.knownToExist(apps.stream().map(app -> settings.topics().results(app)).toList());
        warmMetadata(producer, apps, settings);
        // Its own consumer without a group: reads back, on assignment, what a previous owner decided.
        KafkaConsumer<byte[], byte[]> readBackConsumer = new KafkaConsumer<>(settings.consumerConfig(null, clientId + "-read-back", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        DecisionReadBack readBack = new DecisionReadBack(readBackConsumer, settings.topics(), System::currentTimeMillis);
        RendezvousEngine engine = new RendezvousEngine(settings.topics(), apps, arbiters, publisher, deadLetters, readBack,
                ScoresReadThrough.EndOffsets.of(admin), registry, clock, null, null, timing);
        // The results topics are read for a standby's decisions of requests this instance has not decided yet (adopted,
        // not decided again); the owner's own come back too and are passed over by their header.
        List<String> topics = engine.subscribedTopics();
        PollLoop<byte[]> loop = new PollLoop<>("rendezvous-" + groupId, consumer,
                c -> c.subscribe(topics, engine.rebalanceListener(c)), engine).start();
        LOG.info("Rendezvous started for apps {} in group {}", apps, groupId);
        return new RendezvousService(loop, producer, publisher, admin, readBack, engine, settings);
    }

    /**
     * Starts a hot-standby rendezvous in consumer group {@code groupId} (not the owners' group): it
     * reads the same requests and scores, and the results, decides every request as an owner would,
     * and publishes a decision only when the owner's has not shown up {@link StandbySettings#takeoverDelayMs()}
     * later — so a dead owner's requests are still answered, a few ms past their decision time, while
     * the owners' group takes its session timeout to notice. Its partitions are split among the
     * standby group's members, so each request has one standby.
     *
     * @param registry the exported registry: only the standby's own counters go there (its decisions
     *                 would otherwise count twice beside the owners')
     */
    public static RendezvousService startStandby(KafkaSettings settings, Collection<String> apps, String groupId,
                                                 Function<String, Arbiter> arbiters, StandbySettings standby,
                                                 MeterRegistry registry, LongSupplier clock) {
        return startStandby(settings, apps, groupId, arbiters, standby, RendezvousSettings.DEFAULTS, registry, clock);
    }

    /** As the standby above, timed by {@code timing} (the owners' setting, so that both decide at the same point). */
    public static RendezvousService startStandby(KafkaSettings settings, Collection<String> apps, String groupId,
                                                 Function<String, Arbiter> arbiters, StandbySettings standby,
                                                 RendezvousSettings timing, MeterRegistry registry, LongSupplier clock) {
        String clientId = groupId + "-" + Long.toHexString(System.nanoTime());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producerConfig(clientId), new StringSerializer(), new ByteArraySerializer());
        // A standby needs no history: what is older than the takeover window is its owners' to decide.
        Map<String, Object> consumerConfig = settings.consumerConfig(groupId, clientId, "latest");
        consumerConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        if (!settings.clientProperties().containsKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
            consumerConfig.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        }
        if (!settings.clientProperties().containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            consumerConfig.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        DeadLetters deadLetters = new DeadLetters(producer, "rendezvous-standby", groupId);
        Admin admin = settings.newAdmin(clientId + "-reply-topics");
        DecisionPublisher publisher = new DecisionPublisher(producer, settings.topics(), deadLetters,
                topic -> topicExists(admin, topic), registry, clock);
        publisher.knownToExist(apps.stream().map(app -> settings.topics().results(app)).toList());
        warmMetadata(producer, apps, settings);
        RendezvousEngine engine = new RendezvousEngine(settings.topics(), apps, arbiters, publisher, deadLetters, null,
                ScoresReadThrough.EndOffsets.of(admin), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), clock, standby, new StandbyMeters(registry), timing);
        List<String> topics = engine.subscribedTopics();
        PollLoop<byte[]> loop = new PollLoop<>("rendezvous-standby-" + groupId, consumer,
                c -> c.subscribe(topics, engine.rebalanceListener(c)), engine).start();
        LOG.info("Rendezvous standby started for apps {} in group {} (takeover after {} ms)", apps, groupId, standby.takeoverDelayMs());
        return new RendezvousService(loop, producer, publisher, admin, null, engine, settings);
    }

    /**
     * Fetches the results topics' metadata before the first decision: the producer otherwise looks it
     * up inside the first {@code send} per topic, and that decision (stamped before the wait) reached
     * Kafka tens of ms late — later than a standby's takeover delay, so both answered.
     */
    private static void warmMetadata(KafkaProducer<String, byte[]> producer, Collection<String> apps, KafkaSettings settings) {
        for (String app : apps) {
            try {
                producer.partitionsFor(settings.topics().results(app));
            } catch (RuntimeException e) {
                LOG.warn("could not fetch the metadata of {} yet ({}); the first decision will", settings.topics().results(app), e.toString());
            }
        }
    }

    /** Whether {@code topic} exists; blocks up to {@link #TOPIC_CHECK_TIMEOUT_MS}, so only off the engine thread. */
    private static boolean topicExists(Admin admin, String topic) throws Exception {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(TOPIC_CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Takes up apps created while this instance runs: their results topics' metadata is fetched here
     * (blocking, so never on the engine thread), then the engine subscribes to their topics before its
     * next poll and the group rebalances. New topics are read from the earliest offset (the standby:
     * the latest), as at start.
     */
    public void addApps(Collection<String> apps) {
        warmMetadata(producer, apps, settings);
        List<String> results = apps.stream().map(app -> settings.topics().results(app)).toList();
        loop.resubscribe(c -> {
            publisher.knownToExist(results);
            c.subscribe(engine.addApps(apps), engine.rebalanceListener(c));
        });
        LOG.info("Rendezvous also deciding for apps {}", apps);
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public void close() {
        loop.close();
        if (readBack != null) {
            readBack.close();
        }
        publisher.close();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
    }
}
