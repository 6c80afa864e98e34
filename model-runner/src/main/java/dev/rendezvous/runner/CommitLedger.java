package dev.rendezvous.runner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of a host's polls, in poll order, each waiting for every version it was handed to. A
 * poll's offsets become committable only when each of its {@link Share}s is done — the version's
 * scores of that poll sent and acknowledged (or failed), or the version released from it because it
 * was retired or stopped alone — and every earlier poll's too. So a commit never covers a request
 * that a local version still has to answer (a slow model never loses a score to a fast one's commit),
 * and a version that leaves never holds the others' commits.
 */
final class CommitLedger {
    /** One version's part in one poll. Written by that version's lane, read by the poll thread. */
    static final class Share {
        private volatile List<? extends Future<?>> sends;
        private volatile boolean released;

        /** The version handed the scores of its part to the producer; the first call wins. */
        void sent(List<? extends Future<?>> scoreSends) {
            if (sends == null) {
                sends = List.copyOf(scoreSends);
            }
        }

        /** The version no longer owes this part (retired or stopped alone): it must not hold the commit. */
        void release() {
            released = true;
        }

        boolean isDone() {
            if (released) {
                return true;
            }
            List<? extends Future<?>> s = sends;
            if (s == null) {
                return false;
            }
            for (Future<?> send : s) {
                if (!send.isDone()) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Entry(Map<TopicPartition, OffsetAndMetadata> offsets, List<Share> shares) {
        boolean isDone() {
            for (Share share : shares) {
                if (!share.isDone()) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    /**
     * Records a poll handed to {@code versions} versions; returns one share per version, in order.
     *
     * @param offsets per partition, the offset after the poll's last record
     */
    synchronized List<Share> add(Map<TopicPartition, OffsetAndMetadata> offsets, int versions) {
        List<Share> shares = new ArrayList<>(versions);
        for (int i = 0; i < versions; i++) {
            shares.add(new Share());
        }
        if (!offsets.isEmpty()) {
            entries.addLast(new Entry(new HashMap<>(offsets), List.copyOf(shares)));
        }
        return shares;
    }

    /** Removes and merges the leading polls that every version is done with. */
    synchronized Map<TopicPartition, OffsetAndMetadata> takeCompleted() {
        Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
        while (!entries.isEmpty() && entries.peekFirst().isDone()) {
            mergeInto(merged, entries.removeFirst());
        }
        return merged;
    }

    /** Drops these partitions from every waiting poll: they were revoked or lost, their offsets are another member's now. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        entries.removeIf(entry -> {
            entry.offsets().keySet().removeAll(partitions);
            return entry.offsets().isEmpty();
        });
    }

    /** The highest offset wins: after a rewound retry a later poll may end below an earlier one. */
    private static void mergeInto(Map<TopicPartition, OffsetAndMetadata> merged, Entry entry) {
        entry.offsets().forEach((partition, offset) ->
                merged.merge(partition, offset, (a, b) -> a.offset() >= b.offset() ? a : b));
    }

    /** Whether every version is done with every waiting poll (their sends may still be in flight). */
    synchronized boolean allDone() {
        for (Entry entry : entries) {
            for (Share share : entry.shares()) {
                if (!share.released && share.sends == null) {
                    return false;
                }
            }
        }
        return true;
    }

    synchronized boolean isEmpty() {
        return entries.isEmpty();
    }
}
