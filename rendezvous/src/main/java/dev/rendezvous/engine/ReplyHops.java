package dev.rendezvous.engine;

import java.util.Arrays;

/**
 * The trip a decision takes from the rendezvous to its reader — produce, broker, fetch — learnt from
 * this instance's own decisions (and, in a standby, its owners') as it reads them back from the
 * results topic: the hop from the record's create time (stamped by the producer at send) to now. The
 * gateway's reply topic is the same trip on the same cluster, so its p99 over the newest
 * {@link #WINDOW} hops is how long before the deadline a decision must be taken for the answer to reach
 * the caller in time. Fed and asked on the poll thread only; {@link #lastP99Ms()} may be read from any.
 */
final class ReplyHops {
    static final int WINDOW = 512;
    /**
     * A decision read back later than this was not a trip but catch-up (a new owner re-reading its
     * partition, a standby starting): left out, or one rebalance would pin the margin at its cap.
     */
    static final long MAX_HOP_MS = 1_000;
    /** The p99 is recomputed at most this often (a sort of {@link #WINDOW} longs). */
    private static final long RECOMPUTE_MS = 250;

    private final long[] hops = new long[WINDOW];
    private int size;
    private int next;
    private volatile long p99Ms;
    private long computedAtMs = Long.MIN_VALUE;
    private boolean changed;

    /** A decision created at {@code createdAtMs} (its record timestamp) was read back at {@code nowMs}. */
    void readBack(long createdAtMs, long nowMs) {
        long hop = nowMs - createdAtMs;
        if (createdAtMs <= 0 || hop < 0 || hop > MAX_HOP_MS) {
            return;
        }
        hops[next] = hop;
        next = (next + 1) % WINDOW;
        size = Math.min(WINDOW, size + 1);
        changed = true;
    }

    /** The p99 of the hops in the window (nearest rank), ms; 0 before any hop was seen. */
    long p99Ms(long nowMs) {
        if (changed && (nowMs - computedAtMs >= RECOMPUTE_MS || computedAtMs == Long.MIN_VALUE)) {
            long[] sorted = Arrays.copyOf(hops, size);
            Arrays.sort(sorted);
            p99Ms = sorted[Math.min(size - 1, (int) Math.ceil(0.99 * size) - 1)];
            computedAtMs = nowMs;
            changed = false;
        }
        return p99Ms;
    }

    /** The p99 as last computed on the poll thread (for a gauge; never recomputes). */
    long lastP99Ms() {
        return p99Ms;
    }

    int size() {
        return size;
    }
}
