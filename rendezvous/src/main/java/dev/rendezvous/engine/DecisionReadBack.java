package dev.rendezvous.engine;

import dev.rendezvous.kafka.DeadLetters;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.TopicNames;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a new owner of request partitions must know before it decides anything there: which of the
 * requests it is about to re-read (those past the committed offset) a previous owner already decided.
 * A previous owner that died after publishing a decision but before committing its offset leaves the
 * request to be read again; deciding it again — at once, its deadline long past, before its scores
 * are re-read — contradicted the answer the caller already had (a {@code fallback} on the results
 * topic beside the {@code model} one the client got). So on assignment, this reads the uncommitted
 * requests' ids and then the app's results topic from shortly before the oldest of them, and hands
 * the engine the decisions found; the engine re-sends those to the caller instead of deciding again.
 *
 * <p>Runs on the poll thread inside the rebalance callback, with its own assign-mode consumer (no
 * group), bounded by {@link #BUDGET_MS}: the uncommitted stretch is short, because the engine commits
 * up to the oldest undecided request ten times a second.
 */
final class DecisionReadBack {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionReadBack.class);
    /** The longest a rebalance may spend reading back; past it, requests not yet matched are decided anew. */
    static final long BUDGET_MS = 5_000;
    /** Results are looked for from this long before the oldest uncommitted request's timestamp (clock skew between producers). */
    static final long SKEW_MS = 5_000;
    /** At most this many uncommitted requests are looked up; more means the previous owner was far behind. */
    static final int MAX_REQUESTS = 200_000;

    private final Consumer<byte[], byte[]> reader;
    private final TopicNames topics;
    private final LongSupplier clock;

    /** @param reader a consumer without a group, used by this class alone, on the poll thread */
    DecisionReadBack(Consumer<byte[], byte[]> reader, TopicNames topics, LongSupplier clock) {
        this.reader = reader;
        this.topics = topics;
        this.clock = clock;
    }

    /**
     * The decisions already on the results topics for the requests of {@code assigned} past their
     * committed offsets, keyed by {@code app + '/' + originKey}, each with its record value.
     *
     * @param main          the engine's consumer, for the group's committed offsets
     * @param appOfRequests the app of each requests topic; other topics in {@code assigned} are ignored
     */
    Map<String, Found> recover(Consumer<byte[], byte[]> main, Collection<TopicPartition> assigned, Function<String, String> appOfRequests) {
        List<TopicPartition> requestPartitions = assigned.stream().filter(p -> appOfRequests.apply(p.topic()) != null).toList();
        if (requestPartitions.isEmpty()) {
            return Map.of();
        }
        long deadline = clock.getAsLong() + BUDGET_MS;
        try {
            Map<TopicPartition, Long> from = startOffsets(main, requestPartitions);
            Map<TopicPartition, Long> end = reader.endOffsets(requestPartitions, Duration.ofMillis(BUDGET_MS));
            from.entrySet().removeIf(e -> e.getValue() >= end.getOrDefault(e.getKey(), 0L));
            if (from.isEmpty()) {
                return Map.of();
            }
            Uncommitted uncommitted = readUncommitted(from, end, appOfRequests, deadline);
            if (uncommitted.ids.isEmpty()) {
                return Map.of();
            }
            Map<String, Found> found = readResults(uncommitted, deadline);
            LOG.info("read back {} decisions of {} re-read requests on {}: a previous owner made them; they are re-sent, not decided again",
                    found.size(), uncommitted.ids.size(), from.keySet());
            return found;
        } catch (RuntimeException e) {
            // Without the read-back the requests are decided anew: the pre-existing behaviour, never a stall.
            LOG.warn("could not read back the decisions of the re-read requests on {}: {}", requestPartitions, e.toString());
            return Map.of();
        } finally {
            reader.assign(List.of());
        }
    }

    /**
     * Lets {@code deadLetters} learn which records of the apps in {@code assigned} are on their
     * dead-letter topics already, so that re-reading them past the committed offset does not
     * dead-letter them a second time.
     */
    void recoverDeadLetters(DeadLetters deadLetters, Collection<TopicPartition> assigned, Function<String, String> appOfTopic) {
        Set<String> apps = new java.util.TreeSet<>();
        assigned.forEach(p -> {
            String app = appOfTopic.apply(p.topic());
            if (app != null) {
                apps.add(app);
            }
        });
        for (String app : apps) {
            int read = deadLetters.readBack(reader, topics.deadLetter(app), Duration.ofMillis(BUDGET_MS));
            if (read > 0) {
                LOG.info("read back {} dead letters of app {}: re-read records among them are not dead-lettered again", read, app);
            }
        }
    }

    /** A decision found on the results topic, decoded, and its record value exactly as it is there. */
    record Found(Decision decision, byte[] value) {
    }

    private record Uncommitted(Set<String> ids, Map<String, Long> oldestByApp) {
    }

    private static Map<TopicPartition, Long> startOffsets(Consumer<byte[], byte[]> main, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = main.committed(new HashSet<>(partitions), Duration.ofMillis(BUDGET_MS));
        Map<TopicPartition, Long> beginning = null;
        Map<TopicPartition, Long> from = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                from.put(partition, offset.offset());
            } else {
                if (beginning == null) {
                    beginning = main.beginningOffsets(partitions, Duration.ofMillis(BUDGET_MS));
                }
                from.put(partition, beginning.getOrDefault(partition, 0L));
            }
        }
        return from;
    }

    private Uncommitted readUncommitted(Map<TopicPartition, Long> from, Map<TopicPartition, Long> end, Function<String, String> appOfRequests,
                                        long deadline) {
        Set<String> ids = new HashSet<>();
        Map<String, Long> oldestByApp = new HashMap<>();
        reader.assign(from.keySet());
        from.forEach(reader::seek);
        Set<TopicPartition> remaining = new HashSet<>(from.keySet());
        while (!remaining.isEmpty() && clock.getAsLong() < deadline && ids.size() < MAX_REQUESTS) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(50))) {
                if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                    continue;
                }
                String app = appOfRequests.apply(record.topic());
                String key = originKey(record);
                if (key != null) {
                    ids.add(app + '/' + key);
                    oldestByApp.merge(app, record.timestamp(), Math::min);
                }
            }
            remaining.removeIf(partition -> reader.position(partition) >= end.get(partition));
        }
        if (!remaining.isEmpty()) {
            LOG.warn("read back only part of the uncommitted requests of {} within {} ms", remaining, BUDGET_MS);
        }
        return new Uncommitted(ids, oldestByApp);
    }

    private Map<String, Found> readResults(Uncommitted uncommitted, long deadline) {
        Map<TopicPartition, Long> fromTimes = new HashMap<>();
        for (Map.Entry<String, Long> oldest : uncommitted.oldestByApp.entrySet()) {
            String results = topics.results(oldest.getKey());
            List<PartitionInfo> partitions = reader.partitionsFor(results, Duration.ofMillis(BUDGET_MS));
            for (PartitionInfo info : partitions == null ? List.<PartitionInfo>of() : partitions) {
                fromTimes.put(new TopicPartition(results, info.partition()), Math.max(0, oldest.getValue() - SKEW_MS));
            }
        }
        Map<TopicPartition, OffsetAndTimestamp> starts = reader.offsetsForTimes(fromTimes, Duration.ofMillis(BUDGET_MS));
        Map<TopicPartition, Long> from = new HashMap<>();
        starts.forEach((partition, start) -> {
            if (start != null) {
                from.put(partition, start.offset());
            }
        });
        Map<String, Found> found = new HashMap<>();
        if (from.isEmpty()) {
            return found;
        }
        Map<TopicPartition, Long> end = reader.endOffsets(from.keySet(), Duration.ofMillis(BUDGET_MS));
        reader.assign(from.keySet());
        from.forEach(reader::seek);
        Set<TopicPartition> remaining = new HashSet<>(from.keySet());
        remaining.removeIf(partition -> from.get(partition) >= end.get(partition));
        while (!remaining.isEmpty() && clock.getAsLong() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(50))) {
                Found decision = decision(record);
                if (decision != null) {
                    String key = decision.decision().app() + '/' + decision.decision().originKey();
                    if (uncommitted.ids.contains(key)) {
                        found.putIfAbsent(key, decision);
                    }
                }
            }
            remaining.removeIf(partition -> reader.position(partition) >= end.get(partition));
        }
        if (!remaining.isEmpty()) {
            LOG.warn("read back only part of the results {} within {} ms", remaining, BUDGET_MS);
        }
        return found;
    }

    private static String originKey(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JsonCodec.decode(record.value(), ScoringRequest.class).originKey();
        } catch (RuntimeException e) {
            // Refused (dead-lettered) when the engine reads it: no decision to look for.
            return null;
        }
    }

    private static Found decision(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new Found(JsonCodec.decode(record.value(), Decision.class), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    void close() {
        reader.close();
    }
}
