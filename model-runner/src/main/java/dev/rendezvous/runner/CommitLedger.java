package dev.rendezvous.runner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of a host's polls, in poll order, each waiting for every version it was handed to. A
 * poll's offsets become committable only when each of its {@link Share}s is done — the version's
 * scores of that poll sent and acknowledged (a failed send holds the commit until the poll is read
 * again, {@link #takeFailed}), or the version released from it because it
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

        /** Released, or every score sent and acknowledged; a send that failed keeps it undone (see {@link #failed}). */
        boolean isDone() {
            return released || settled() && !anyFailed();
        }

        /** Every send completed, and at least one failed: the version's part of this poll was not delivered. */
        boolean failed() {
            return !released && settled() && anyFailed();
        }

        private boolean settled() {
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

        private boolean anyFailed() {
            for (Future<?> send : sends) {
                if (send.isCancelled()) {
                    return true;
                }
                try {
                    send.get();
                } catch (ExecutionException e) {
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * @param offsets per partition, the offset after the poll's last record (what a commit writes)
     * @param firstOffsets per partition, the poll's first record (where a failed poll is read again from)
     */
    private record Entry(Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> firstOffsets, List<Share> shares) {
        boolean isDone() {
            for (Share share : shares) {
                if (!share.isDone()) {
                    return false;
                }
            }
            return true;
        }

        /** Every share settled, at least one with a send that failed. */
        boolean failed() {
            boolean failed = false;
            for (Share share : shares) {
                if (share.failed()) {
                    failed = true;
                } else if (!share.isDone()) {
                    return false;
                }
            }
            return failed;
        }
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    /**
     * Records a poll handed to {@code versions} versions; returns one share per version, in order.
     *
     * @param offsets      per partition, the offset after the poll's last record
     * @param firstOffsets per partition, the offset of the poll's first record
     */
    synchronized List<Share> add(Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> firstOffsets, int versions) {
        List<Share> shares = new ArrayList<>(versions);
        for (int i = 0; i < versions; i++) {
            shares.add(new Share());
        }
        if (!offsets.isEmpty()) {
            entries.addLast(new Entry(new HashMap<>(offsets), new HashMap<>(firstOffsets), List.copyOf(shares)));
        }
        return shares;
    }

    /**
     * When the oldest waiting poll has settled with a failed send (the producer gave up after its delivery
     * timeout), removes it, drops its partitions from every later poll, and returns where to read those
     * partitions again: the failed poll's first offsets. Empty otherwise. Reading again is how a score
     * that never reached Kafka is not lost: the commit never passes it, and the versions score it anew
     * (the ones whose scores were delivered send them twice; the rendezvous and the archive keep one).
     */
    synchronized Map<TopicPartition, Long> takeFailed() {
        Entry head = entries.peekFirst();
        if (head == null || !head.failed()) {
            return Map.of();
        }
        entries.removeFirst();
        Map<TopicPartition, Long> rewind = new HashMap<>(head.firstOffsets());
        rewind.keySet().retainAll(head.offsets().keySet());
        forget(rewind.keySet());
        return rewind;
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
