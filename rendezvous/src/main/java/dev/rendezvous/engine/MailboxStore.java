package dev.rendezvous.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The mailboxes of one rendezvous instance and the times at which some of them must be looked at
 * again. Not thread-safe: only the rendezvous's consumer thread touches it.
 *
 * <p>Every operation on the request path is O(1) or O(log n): at 1,000 req/s about 10,000 decided
 * mailboxes are kept (to recognise late answers), and walking all of them on every poll cost a fifth
 * of the rendezvous thread (measured with async-profiler). Decided and request-less mailboxes are
 * therefore kept in queues ordered by time, and expire from the head.
 */
final class MailboxStore {
    private record Wake(long atMs, Mailbox mailbox) {
    }

    private final Map<String, Mailbox> mailboxes = new HashMap<>();
    private final PriorityQueue<Wake> wakes = new PriorityQueue<>((a, b) -> Long.compare(a.atMs, b.atMs));
    /** Decided mailboxes in decision order, which is time order (one thread, one clock). */
    private final ArrayDeque<Mailbox> decidedOrder = new ArrayDeque<>();
    /** Mailboxes opened by a score before their request, in creation order; some have since got their request. */
    private final ArrayDeque<Mailbox> openedByScore = new ArrayDeque<>();
    private int undecided;

    /**
     * The mailbox of a request, opened on first sight of the request or of one of its scores
     * ({@code byScore}: a score opens it, and it waits for its request).
     */
    Mailbox open(String app, String requestId, int partition, long nowMs, boolean byScore) {
        String key = key(app, requestId);
        Mailbox mailbox = mailboxes.get(key);
        if (mailbox == null) {
            mailbox = new Mailbox(requestId, app, partition, nowMs);
            mailboxes.put(key, mailbox);
            if (byScore) {
                openedByScore.add(mailbox);
            }
        }
        return mailbox;
    }

    /** The mailbox of a request, or null when none is open. */
    Mailbox find(String app, String requestId) {
        return mailboxes.get(key(app, requestId));
    }

    /** Call once the mailbox has got its request (and before it is decided): it now counts as undecided. */
    void requestAttached(Mailbox mailbox) {
        undecided++;
    }

    /** Call once the mailbox is decided. */
    void decided(Mailbox mailbox) {
        if (mailbox.request() != null) {
            undecided--;
        }
        decidedOrder.add(mailbox);
    }

    void wakeAt(Mailbox mailbox, long atMs) {
        wakes.add(new Wake(atMs, mailbox));
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

    /** Removes and returns the undecided mailboxes whose wake-up time has come (each once). */
    List<Mailbox> due(long nowMs) {
        List<Mailbox> due = new ArrayList<>();
        while (!wakes.isEmpty() && wakes.peek().atMs <= nowMs) {
            Mailbox mailbox = wakes.poll().mailbox;
            if (!mailbox.decided() && mailbox.request() != null && !due.contains(mailbox) && isHeld(mailbox)) {
                due.add(mailbox);
            }
        }
        return due;
    }

    /** Whether the mailbox is still in the store (not dropped with its partition or swept). */
    private boolean isHeld(Mailbox mailbox) {
        return mailboxes.get(key(mailbox.app(), mailbox.requestId())) == mailbox;
    }

    /**
     * Drops decided mailboxes older than {@code keepDecidedMs} (kept that long to recognise late
     * answers) and returns undecided request-less mailboxes older than {@code orphanMs}, dropping them too.
     */
    List<Mailbox> sweep(long nowMs, long keepDecidedMs, long orphanMs) {
        while (!decidedOrder.isEmpty() && decidedOrder.peek().decision().decidedAtMs() + keepDecidedMs < nowMs) {
            Mailbox expired = decidedOrder.poll();
            mailboxes.remove(key(expired.app(), expired.requestId()), expired);
        }
        List<Mailbox> orphans = new ArrayList<>();
        while (!openedByScore.isEmpty()) {
            Mailbox oldest = openedByScore.peek();
            if (oldest.request() != null || oldest.decided() || !isHeld(oldest)) {
                openedByScore.poll();
            } else if (oldest.createdAtMs() + orphanMs < nowMs) {
                openedByScore.poll();
                mailboxes.remove(key(oldest.app(), oldest.requestId()));
                orphans.add(oldest);
            } else {
                break;
            }
        }
        return orphans;
    }

    /** Forgets a mailbox opened by scores whose request was then refused (its scores are passed over from now on). */
    void discard(Mailbox mailbox) {
        mailboxes.remove(key(mailbox.app(), mailbox.requestId()), mailbox);
    }

    /** Forgets every mailbox of a partition this instance no longer owns. */
    void dropPartition(String app, int partition) {
        for (Iterator<Mailbox> it = mailboxes.values().iterator(); it.hasNext(); ) {
            Mailbox mailbox = it.next();
            if (mailbox.partition() == partition && mailbox.app().equals(app)) {
                if (!mailbox.decided() && mailbox.request() != null) {
                    undecided--;
                }
                it.remove();
            }
        }
        // Queued references to dropped mailboxes are skipped (isHeld) or expire on their own.
    }

    /** Requests read but not decided yet (scores waiting for their request do not count). */
    int undecidedCount() {
        return undecided;
    }

    int size() {
        return mailboxes.size();
    }
}
