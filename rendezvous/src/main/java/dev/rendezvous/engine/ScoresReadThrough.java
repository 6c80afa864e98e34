package dev.rendezvous.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * is read — under load the next score does that within a poll. On an idle partition the proof is a fresh
 * end offset asked for after {@code T}: a position at that end means nothing appended by then is unread.
 * The consumer's lag is not a proof, being only as fresh as its last fetch (which is how a stalled owner
 * decided {@code fallback} over a standby's {@code preferred}).
 *
 * <p>Poll thread only.
 */
final class ScoresReadThrough {
    /**
     * How far this host's clock may run ahead of the broker's: a probe sent at local time {@code t}
     * proves the log complete through {@code t - CLOCK_SKEW_MS - 1} only. Same host or NTP-synchronised
     * hosts stay well within it.
     */
    static final long CLOCK_SKEW_MS = 2;
    /** A probe must not hold the poll thread: when the broker is slow, no proof (and the decision waits, bounded). */
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(10);
    /** After a probe the broker did not answer, that partition is not probed again for this long. */
    static final long FAILED_PROBE_BACKOFF_MS = 100;

    /** The newest append time read per partition (records read in offset order). */
    private final Map<TopicPartition, Long> newestRead = new HashMap<>();
    /** Read completely through this broker time, as a probe showed. */
    private final Map<TopicPartition, Long> probedThrough = new HashMap<>();
    /** When a partition was last probed (local ms): at most one probe per partition per millisecond. */
    private final Map<TopicPartition, Long> probedAt = new HashMap<>();

    /** The last record of a poll's batch for {@code partition} (records come in offset order). */
    void read(TopicPartition partition, long timestamp, TimestampType type) {
        if (type == TimestampType.LOG_APPEND_TIME) {
            newestRead.merge(partition, timestamp, Math::max);
        }
    }

    /** Positions moved (assignment, revocation, seek): what was read before says nothing about what will be. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            newestRead.remove(partition);
            probedThrough.remove(partition);
            probedAt.remove(partition);
        }
    }

    /**
     * Whether every score of {@code partition} appended at or before {@code instantMs} has been read,
     * probing the broker for the partition's end when nothing read so far shows it.
     */
    boolean completeThrough(Consumer<?, ?> consumer, TopicPartition partition, long instantMs, long nowMs) {
        if (newestRead.getOrDefault(partition, Long.MIN_VALUE) > instantMs
                || probedThrough.getOrDefault(partition, Long.MIN_VALUE) >= instantMs) {
            return true;
        }
        if (nowMs <= instantMs + CLOCK_SKEW_MS || probedAt.getOrDefault(partition, Long.MIN_VALUE) >= nowMs) {
            return false;
        }
        probedAt.put(partition, nowMs);
        try {
            Long end = consumer.endOffsets(List.of(partition), PROBE_TIMEOUT).get(partition);
            if (end != null && consumer.position(partition, PROBE_TIMEOUT) >= end) {
                probedThrough.merge(partition, nowMs - CLOCK_SKEW_MS - 1, Math::max);
                return probedThrough.get(partition) >= instantMs;
            }
        } catch (RuntimeException unknown) {
            // Timed out, not assigned any more, or the broker is away: no proof now; the caller waits, bounded,
            // and the poll thread is not held by a probe per partition per millisecond meanwhile.
            probedAt.put(partition, nowMs + FAILED_PROBE_BACKOFF_MS);
        }
        return false;
    }

    /** When to look again at a decision waiting for proof: once a probe could prove it, or at the next poll. */
    static long nextLookMs(long instantMs, long nowMs) {
        return Math.max(nowMs + 1, instantMs + CLOCK_SKEW_MS + 1);
    }
}
