package dev.rendezvous.decoy;

import dev.rendezvous.decoy.redaction.RedactionRules;
import dev.rendezvous.decoy.redaction.Redactor;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.PollLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoy: a consumer group of its own on each application's requests topic that copies every
 * record, byte for byte and with its Kafka coordinates, to the application's decoy topic.
 *
 * <p>Delivery is at-least-once: source offsets are committed only after the copies are acknowledged,
 * so a crash in between copies some records twice. The archiver drops such repeats by their source
 * coordinates ({@code rdv-source-topic/partition/offset} headers).
 */
public final class DecoyService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecoyService.class);

    private final PollLoop<byte[]> loop;
    private final KafkaProducer<byte[], byte[]> producer;
    private final DecoyLoop handler;
    private final KafkaSettings settings;

    private DecoyService(PollLoop<byte[]> loop, KafkaProducer<byte[], byte[]> producer, DecoyLoop handler, KafkaSettings settings) {
        this.loop = loop;
        this.handler = handler;
        this.settings = settings;
        this.producer = producer;
    }

    /**
     * The consumer group: {@code decoy} under the topic prefix, so that platforms sharing a cluster
     * under different prefixes do not share (and rebalance) one group.
     */
    public static String groupId(KafkaSettings settings) {
        return settings.topicPrefix() + "decoy";
    }

    /**
     * Starts copying {@code <prefix><app>.requests} to {@code <prefix><app>.decoy} for each app, from
     * the earliest offset the group has not committed. The topics must exist with equal partition counts.
     */
    public static DecoyService start(KafkaSettings settings, Set<String> apps) {
        return start(settings, apps, Map.of());
    }

    /**
     * As {@link #start(KafkaSettings, Set)}, redacting the copies of the apps in {@code redactions}
     * (app to rules) before they reach the decoy topic, hence the archive; the requests topic, which
     * the models read, is untouched.
     */
    public static DecoyService start(KafkaSettings settings, Set<String> apps, Map<String, RedactionRules> redactions) {
        for (String app : redactions.keySet()) {
            if (!apps.contains(app)) {
                throw new IllegalArgumentException("decoy.redactions names '" + app + "', which is not among decoy.apps " + apps);
            }
        }
        Map<String, Redactor> redactorBySource = new HashMap<>();
        redactions.forEach((app, rules) -> redactorBySource.put(settings.topics().requests(app), new Redactor(rules)));
        Map<String, String> decoyBySource = DecoyTopics.decoyBySource(settings.topics(), apps);
        String groupId = groupId(settings);
        DecoyTopics.requireEqualPartitions(settings, decoyBySource, groupId);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producerConfig(groupId),
                new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = settings.newBatchingConsumer(groupId, groupId, "earliest");
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        List<String> sources = List.copyOf(decoyBySource.keySet());
        DecoyLoop handler = new DecoyLoop(producer, decoyBySource, redactorBySource, Clock.systemUTC());
        PollLoop<byte[]> loop = new PollLoop<>("decoy", consumer, c -> c.subscribe(sources), handler).start();
        LOG.info("decoy: copying {} in group {}", decoyBySource, groupId);
        redactions.forEach((app, rules) -> LOG.info("decoy: redacting the archived copies of {}: {}", app, rules));
        return new DecoyService(loop, producer, handler, settings);
    }

    /**
     * Starts copying the requests of apps created while the decoy runs (checked as at start: the
     * topics must exist with equal partition counts); the group rebalances to take them up. Blocks
     * for the check, so never call it on the poll thread.
     */
    public void addApps(Set<String> apps) {
        Map<String, String> more = DecoyTopics.decoyBySource(settings.topics(), apps);
        DecoyTopics.requireEqualPartitions(settings, more, groupId(settings));
        loop.resubscribe(c -> c.subscribe(handler.addSources(more)));
        LOG.info("decoy: also copying {}", more);
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Stops consuming, commits what was copied, and closes the producer. */
    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(5));
    }
}
