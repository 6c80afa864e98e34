package dev.rendezvous.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.kafka.CompactedTopicReader;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.policy.PolicyValidationException;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.PolicyRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force for each application, followed live from the compacted topic
 * {@code rdv.policies}: a stored change reaches every instance within one poll (~100 ms). A record
 * that does not parse or validate is logged and ignored, so the previous policy stays in force.
 * A policy's version is its record's offset plus one.
 */
public final class PolicyStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyStore.class);

    /** Versions kept per app for the admin API; older ones are in the archive. */
    static final int MAX_VERSIONS_KEPT = 1000;

    private final Map<String, Policy> current = new ConcurrentHashMap<>();
    private final Map<String, NavigableMap<Long, StoredVersion>> versions = new ConcurrentHashMap<>();
    private final CompactedTopicReader reader;
    /** Told, on the reader thread, of each app whose first policy this instance reads: how services learn of a new app. */
    private final List<Consumer<String>> appListeners = new CopyOnWriteArrayList<>();

    private PolicyStore(KafkaSettings settings, String clientId) {
        reader = new CompactedTopicReader(settings, clientId, List.of(settings.topics().policies()), this::apply);
    }

    /** Starts following the policies and waits (up to 30 s) until the stored ones are read. */
    public static PolicyStore start(KafkaSettings settings, String clientId) throws InterruptedException {
        PolicyStore store = new PolicyStore(settings, clientId);
        store.reader.start();
        if (!store.reader.awaitCaughtUp(Duration.ofSeconds(30))) {
            LOG.warn("stored policies were not fully read within 30 s; continuing with what was read");
        }
        return store;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        long version = record.offset() + 1;
        if (record.value() == null) {
            return; // a policy is replaced, never deleted: an app without one could not answer
        }
        try {
            PolicyRecord stored = JsonCodec.decode(record.value(), PolicyRecord.class);
            Policy policy = PolicyParser.parse(stored.policy().toString(), version);
            if (!policy.app().equals(stored.app())) {
                LOG.warn("ignoring policy version {}: stored for app {} but names app {}", version, stored.app(), policy.app());
                return;
            }
            NavigableMap<Long, StoredVersion> kept = versions.computeIfAbsent(policy.app(), app -> new ConcurrentSkipListMap<>());
            kept.put(version, new StoredVersion(version, stored.policy(), stored.updatedBy(), stored.updatedAtMs()));
            while (kept.size() > MAX_VERSIONS_KEPT) {
                kept.pollFirstEntry();
            }
            Policy previous = current.put(policy.app(), policy);
            if (previous == null) {
                appListeners.forEach(listener -> listener.accept(policy.app()));
            }
            if (previous == null || previous.version() != version) {
                LOG.info("policy version {} of app {} is in force (stored by {})", version, policy.app(), stored.updatedBy());
            }
        } catch (MalformedRecordException | PolicyValidationException e) {
            LOG.warn("ignoring invalid policy at {}@{}; the previous one stays in force: {}", record.topic(), record.offset(), e.getMessage());
        }
    }

    /**
     * A valid policy version as stored, read from the topic since this instance started (compaction
     * may have removed older ones before that; the archive keeps them).
     */
    public record StoredVersion(long version, JsonNode policy, String updatedBy, long updatedAtMs) {
    }

    /** The versions of {@code app}'s policy this instance has read, oldest first (at most {@value #MAX_VERSIONS_KEPT}). */
    public List<StoredVersion> versions(String app) {
        NavigableMap<Long, StoredVersion> kept = versions.get(app);
        return kept == null ? List.of() : List.copyOf(kept.values());
    }

    public Optional<StoredVersion> version(String app, long version) {
        NavigableMap<Long, StoredVersion> kept = versions.get(app);
        return kept == null ? Optional.empty() : Optional.ofNullable(kept.get(version));
    }

    public Optional<Policy> current(String app) {
        return Optional.ofNullable(current.get(app));
    }

    /** The apps that have a policy: the control plane's list of applications (an app is created by seeding its policy). */
    public Set<String> apps() {
        return new TreeSet<>(current.keySet());
    }

    /**
     * Calls {@code listener} with every app that has a policy now and, later, with each app whose
     * first policy arrives. It runs on the reader's thread: it must return quickly (hand blocking
     * work to a thread of its own). An app may be reported twice if it arrives while this registers.
     */
    public void onApp(Consumer<String> listener) {
        appListeners.add(listener);
        apps().forEach(listener);
    }

    public boolean isRunning() {
        return reader.isRunning();
    }

    @Override
    public void close() {
        reader.close();
    }
}
