package dev.rendezvous.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The mailboxes of one rendezvous instance and the times at which some of them must be looked at
 * again. Not thread-safe: only the rendezvous's consumer thread touches it.
 */
final class MailboxStore {
    private record Wake(long atMs, String key) {
    }

    private final Map<String, Mailbox> mailboxes = new HashMap<>();
    private final PriorityQueue<Wake> wakes = new PriorityQueue<>((a, b) -> Long.compare(a.atMs, b.atMs));

    Mailbox open(String app, String requestId, int partition, long nowMs) {
        return mailboxes.computeIfAbsent(key(app, requestId), k -> new Mailbox(requestId, app, partition, nowMs));
    }

    void wakeAt(Mailbox mailbox, long atMs) {
        wakes.add(new Wake(atMs, key(mailbox.app(), mailbox.requestId())));
    }

    /** Request ids are unique per application only. */
    private static String key(String app, String requestId) {
        return app + '/' + requestId;
    }

    /** The earliest wake-up time, or {@code Long.MAX_VALUE} when nothing waits. */
    long nextWakeMs() {
        Wake next = wakes.peek();
        return next == null ? Long.MAX_VALUE : next.atMs;
    }

    /** Removes and returns the undecided mailboxes whose wake-up time has come. */
    List<Mailbox> due(long nowMs) {
        List<Mailbox> due = new ArrayList<>();
        while (!wakes.isEmpty() && wakes.peek().atMs <= nowMs) {
            Mailbox mailbox = mailboxes.get(wakes.poll().key);
            if (mailbox != null && !mailbox.decided() && mailbox.request() != null && !due.contains(mailbox)) {
                due.add(mailbox);
            }
        }
        return due;
    }

    /**
     * Drops decided mailboxes older than {@code keepDecidedMs} (kept that long to recognise late
     * answers) and returns undecided request-less mailboxes older than {@code orphanMs}.
     */
    List<Mailbox> sweep(long nowMs, long keepDecidedMs, long orphanMs) {
        List<Mailbox> orphans = new ArrayList<>();
        for (Iterator<Mailbox> it = mailboxes.values().iterator(); it.hasNext(); ) {
            Mailbox mailbox = it.next();
            if (mailbox.decided() && mailbox.decision().decidedAtMs() + keepDecidedMs < nowMs) {
                it.remove();
            } else if (!mailbox.decided() && mailbox.request() == null && mailbox.createdAtMs() + orphanMs < nowMs) {
                orphans.add(mailbox);
                it.remove();
            }
        }
        return orphans;
    }

    /** Forgets every mailbox of a partition this instance no longer owns. */
    void dropPartition(String app, int partition) {
        mailboxes.values().removeIf(m -> m.partition() == partition && m.app().equals(app));
    }

    /** Requests read but not decided yet (scores waiting for their request do not count). */
    int undecidedCount() {
        int count = 0;
        for (Mailbox mailbox : mailboxes.values()) {
            if (!mailbox.decided() && mailbox.request() != null) {
                count++;
            }
        }
        return count;
    }

    int size() {
        return mailboxes.size();
    }
}
