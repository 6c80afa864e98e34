package dev.rendezvous.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;

/**
 * Up to when this instance has read every score of a scores partition, on the broker's clock: what makes
 * a decision taken at a stage end or the deadline the one the log implies, so that an owner and a
 * standby deciding the same request decide alike (issue 15: contradicting decisions).
 *
 * <p>A decision at a timer instant {@code T} says "no better answer arrived by {@code T}"; it holds only
 * once every score appended by {@code T} has been read. Scores topics stamp {@code LogAppendTime}, so
 * append times grow with offsets: having read a record stamped after {@code T} shows every earlier one
 * is read — under load the next score does that within a poll. On an idle partition the proof is the
 * partition's end offset asked for after {@code T}: a position at that end means nothing appended by then
 * is unread. The ask is asynchronous ({@link EndOffsets}), so the poll thread never waits for the broker.
 * The consumer's lag is not a proof, being only as fresh as its last fetch (which is how a stalled owner
 * decided {@code fallback} over a standby's {@code preferred}).
 *
 * <p>Poll thread only.
 */
final class ScoresReadThrough {
    /**
     * How far this host's clock may run ahead of the broker's: an end offset asked for at local time
     * {@code t} proves the log complete through {@code t - CLOCK_SKEW_MS - 1} only. Same host or
     * NTP-synchronised hosts stay well within it. The end asked for is the high watermark: with one replica
     * (the embedded broker, the demo) it covers every appended record; with more, a record appended just before
     * the ask but not yet replicated is missed, so the proof assumes replication within this allowance too — a
     * known limit (decision 024).
     */
    static final long CLOCK_SKEW_MS = 2;
    /** After an ask the broker did not answer, that partition is not asked again for this long. */
    static final long FAILED_PROBE_BACKOFF_MS = 100;
    /** How long an ask may take before it counts as failed. */
    static final int ASK_TIMEOUT_MS = 100;

    /** Where the end offsets come from: Kafka's {@link Admin} in the service, a stand-in in tests. */
    interface EndOffsets {
        CompletableFuture<Long> latest(TopicPartition partition);

        static EndOffsets of(Admin admin) {
            // Bounded: an ask the broker does not answer fails (and backs off) instead of holding the partition's
            // decisions unproven until Admin's default 60 s timeout.
            ListOffsetsOptions bounded = new ListOffsetsOptions().timeoutMs(ASK_TIMEOUT_MS);
            return partition -> admin.listOffsets(Map.of(partition, OffsetSpec.latest()), bounded).partitionResult(partition)
                    .toCompletionStage().toCompletableFuture().thenApply(info -> info.offset());
        }
    }

    private record Probe(long askedAtMs, CompletableFuture<Long> end) {
    }

    private final EndOffsets endOffsets;
    /** The newest append time read per partition (records read in offset order). */
    private final Map<TopicPartition, Long> newestRead = new HashMap<>();
    /** Read completely through this broker time, as an end offset showed. */
    private final Map<TopicPartition, Long> provenThrough = new HashMap<>();
    private final Map<TopicPartition, Probe> asked = new HashMap<>();
    /** No ask before this local time (one ask per partition per millisecond; a back-off after a failed one). */
    private final Map<TopicPartition, Long> nextAskAt = new HashMap<>();

    ScoresReadThrough(EndOffsets endOffsets) {
        this.endOffsets = endOffsets;
    }

    /** The last record of a poll's batch for {@code partition} (records come in offset order). */
    void read(TopicPartition partition, long timestamp, TimestampType type) {
        if (type == TimestampType.LOG_APPEND_TIME) {
            newestRead.merge(partition, timestamp, Math::max);
        }
    }

    /** Positions moved (assignment, revocation): what was read before says nothing about what will be. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            newestRead.remove(partition);
            provenThrough.remove(partition);
            asked.remove(partition);
            nextAskAt.remove(partition);
        }
    }

    /**
     * Whether every score of {@code partition} appended at or before {@code instantMs} has been read;
     * when nothing read so far shows it, asks the broker for the partition's end (the answer is looked at
     * on a later call).
     */
    boolean completeThrough(Consumer<?, ?> consumer, TopicPartition partition, long instantMs, long nowMs) {
        if (known(partition, instantMs)) {
            return true;
        }
        if (nowMs <= instantMs + CLOCK_SKEW_MS) {
            return false;
        }
        Probe probe = asked.get(partition);
        if (probe != null && probe.end().isDone()) {
            Long end = probe.end().isCompletedExceptionally() ? null : probe.end().getNow(null);
            if (end == null) {
                asked.remove(partition);
                nextAskAt.put(partition, nowMs + FAILED_PROBE_BACKOFF_MS);
            } else if (position(consumer, partition) >= end) {
                asked.remove(partition);
                provenThrough.merge(partition, probe.askedAtMs() - CLOCK_SKEW_MS - 1, Math::max);
                if (known(partition, instantMs)) {
                    return true;
                }
            } else if (probe.askedAtMs() - CLOCK_SKEW_MS - 1 >= instantMs) {
                // Behind the end the broker gave: that answer proves the instant once the position reaches it, so
                // it is kept rather than asked again every round trip while the consumer catches up.
                return false;
            } else {
                asked.remove(partition);
            }
        }
        if (!asked.containsKey(partition) && nextAskAt.getOrDefault(partition, Long.MIN_VALUE) <= nowMs) {
            nextAskAt.put(partition, nowMs + 1);
            asked.put(partition, new Probe(nowMs, endOffsets.latest(partition)));
        }
        return false;
    }

    private boolean known(TopicPartition partition, long instantMs) {
        return newestRead.getOrDefault(partition, Long.MIN_VALUE) > instantMs
                || provenThrough.getOrDefault(partition, Long.MIN_VALUE) >= instantMs;
    }

    private static long position(Consumer<?, ?> consumer, TopicPartition partition) {
        try {
            return consumer.position(partition, Duration.ZERO);
        } catch (RuntimeException unknown) {
            return -1;
        }
    }

    /** When to look again at a decision waiting for proof: once an ask could prove the instant, or at the next poll. */
    static long nextLookMs(long instantMs, long nowMs) {
        return Math.max(nowMs + 1, instantMs + CLOCK_SKEW_MS + 1);
    }
}
