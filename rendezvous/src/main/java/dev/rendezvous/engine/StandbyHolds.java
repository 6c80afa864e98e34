package dev.rendezvous.engine;

import dev.rendezvous.protocol.Decision;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The decisions a hot-standby rendezvous has made but not published: each waits until its release
 * time for the owner's decision of the same request, which cancels it. Release times are the
 * decision time plus one constant delay, and decisions are made in time order on one thread, so a
 * FIFO queue is in release order. Not thread-safe: only the engine thread touches it.
 */
final class StandbyHolds {
    record Held(String key, Mailbox mailbox, Decision decision, long releaseAtMs) {
    }

    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    private final Map<String, Held> byKey = new HashMap<>();

    void hold(Held held) {
        queue.add(held);
        byKey.put(held.key(), held);
    }

    /** Removes and returns the held decision under {@code key}, or null when none waits. */
    Held cancel(String key) {
        return byKey.remove(key);
    }

    /** The earliest waiting decision, or null; cancelled ones are dropped from the head on the way. */
    Held head() {
        while (!queue.isEmpty() && byKey.get(queue.peek().key()) != queue.peek()) {
            queue.poll();
        }
        return queue.peek();
    }

    /** Removes the head returned by {@link #head()}. */
    void removeHead() {
        Held head = queue.poll();
        if (head != null) {
            byKey.remove(head.key(), head);
        }
    }

    /** The earliest release time, or {@code Long.MAX_VALUE} when nothing waits. */
    long nextReleaseMs() {
        Held head = head();
        return head == null ? Long.MAX_VALUE : head.releaseAtMs();
    }

    /** Forgets what waits for a partition this instance no longer watches. */
    void dropPartition(String app, int partition) {
        byKey.values().removeIf(h -> h.mailbox().partition() == partition && h.mailbox().app().equals(app));
    }

    int size() {
        return byKey.size();
    }
}
