package dev.rendezvous.runner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
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

        /** Where this part stands; a send that failed is no answer, so it does not count as done. */
        State state() {
            if (released) {
                return State.DONE;
            }
            List<? extends Future<?>> s = sends;
            if (s == null) {
                return State.PENDING;
            }
            State state = State.DONE;
            for (Future<?> send : s) {
                if (!send.isDone()) {
                    return State.PENDING;
                }
                if (failed(send)) {
                    state = State.FAILED;
                }
            }
            return state;
        }

        private static boolean failed(Future<?> completed) {
            try {
                completed.get();
                return false;
            } catch (ExecutionException | CancellationException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
    }

    /** PENDING: a score not sent or not acknowledged yet; FAILED: all settled, one or more not delivered. */
    enum State { PENDING, DONE, FAILED }

    /** A poll's records of one partition: its first offset (where a failed poll is read again from) and the one after its last (what a commit writes). */
    record Range(long first, long next) {
    }

    private record Entry(Map<TopicPartition, Range> ranges, List<Share> shares) {
        /** PENDING while any share is; FAILED once all settled and any failed; else DONE. */
        State state() {
            State state = State.DONE;
            for (Share share : shares) {
                State s = share.state();
                if (s == State.PENDING) {
                    return State.PENDING;
                }
                if (s == State.FAILED) {
                    state = State.FAILED;
                }
            }
            return state;
        }
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    /**
     * Records a poll handed to {@code versions} versions; returns one share per version, in order.
     *
     * @param ranges per partition, the poll's offsets; the ledger keeps (and edits) this map
     */
    synchronized List<Share> add(Map<TopicPartition, Range> ranges, int versions) {
        List<Share> shares = new ArrayList<>(versions);
        for (int i = 0; i < versions; i++) {
            shares.add(new Share());
        }
        if (!ranges.isEmpty()) {
            entries.addLast(new Entry(ranges, List.copyOf(shares)));
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
        if (head == null || head.state() != State.FAILED) {
            return Map.of();
        }
        entries.removeFirst();
        Map<TopicPartition, Long> rewind = new HashMap<>();
        head.ranges().forEach((partition, range) -> rewind.put(partition, range.first()));
        forget(rewind.keySet());
        return rewind;
    }

    /** Removes and merges the leading polls that every version is done with. */
    synchronized Map<TopicPartition, OffsetAndMetadata> takeCompleted() {
        Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
        while (!entries.isEmpty() && entries.peekFirst().state() == State.DONE) {
            mergeInto(merged, entries.removeFirst());
        }
        return merged;
    }

    /** Drops these partitions from every waiting poll: they were revoked or lost, their offsets are another member's now. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        entries.removeIf(entry -> {
            entry.ranges().keySet().removeAll(partitions);
            return entry.ranges().isEmpty();
        });
    }

    /** The highest offset wins: after a rewound retry a later poll may end below an earlier one. */
    private static void mergeInto(Map<TopicPartition, OffsetAndMetadata> merged, Entry entry) {
        entry.ranges().forEach((partition, range) ->
                merged.merge(partition, new OffsetAndMetadata(range.next()), (a, b) -> a.offset() >= b.offset() ? a : b));
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
