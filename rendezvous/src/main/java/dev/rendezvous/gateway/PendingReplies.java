package dev.rendezvous.gateway;

import dev.rendezvous.protocol.Decision;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Requests this gateway sent and still waits on, by application and request id. Each completes
 * exactly once: with the decision from the reply topic, or with a timeout when none came in time. A
 * decision completes a request only when it carries the nonce this gateway generated for it: anyone
 * who may write to a requests topic can make the rendezvous send a decision for any id to this
 * gateway's reply topic, and without the nonce check that decision was served to the real caller.
 */
final class PendingReplies {
    /** How a waiting request is finished: with its decision, or with none in time. */
    interface Completion extends Consumer<Reply> {
    }

    private record Waiting(String nonce, Completion completion) {
    }

    private final ConcurrentHashMap<String, Waiting> pending = new ConcurrentHashMap<>();
    private final UndecidedStreaks streaks = new UndecidedStreaks();
    private final AtomicLong foreign = new AtomicLong();
    private final java.util.function.LongSupplier clock;
    private final Consumer<String> afterDeadline;

    PendingReplies() {
        this(System::currentTimeMillis, app -> { });
    }

    /**
     * @param afterDeadline told the app of every request completed with a decision after its deadline
     *                      (by {@code clock}, the clock that stamped the request's receipt)
     */
    PendingReplies(java.util.function.LongSupplier clock, Consumer<String> afterDeadline) {
        this.clock = clock;
        this.afterDeadline = afterDeadline;
    }

    /**
     * Registers a request; false when the same id is already in flight for the app.
     *
     * @param nonce the nonce sent with the request; only a decision echoing it completes the request
     */
    boolean register(String app, String requestId, String nonce, Completion completion) {
        return pending.putIfAbsent(key(app, requestId), new Waiting(nonce, completion)) == null;
    }

    /**
     * Completes the request with its decision. A decision for an unknown or finished request is
     * ignored; so is one without the request's nonce (another record's decision for the same id), which
     * is counted ({@link #foreignDecisions()}) and leaves the request waiting for its own.
     */
    boolean complete(Decision decision) {
        String key = key(decision.app(), decision.requestId());
        Waiting waiting = pending.get(key);
        if (waiting == null) {
            return false;
        }
        if (waiting.nonce() != null && !waiting.nonce().equals(decision.nonce())) {
            foreign.incrementAndGet();
            return false;
        }
        if (!pending.remove(key, waiting)) {
            return false;
        }
        streaks.decided(decision.app());
        if (clock.getAsLong() > decision.deadlineAtMs()) {
            afterDeadline.accept(decision.app());
        }
        waiting.completion().accept(Reply.of(decision));
        return true;
    }

    /** Decisions refused because they did not carry the nonce of the request they named. */
    long foreignDecisions() {
        return foreign.get();
    }

    /** Completes the request with no decision in time; false if it was already completed. */
    boolean expire(String app, String requestId) {
        Waiting waiting = pending.remove(key(app, requestId));
        if (waiting == null) {
            return false;
        }
        streaks.undecided(app, System.currentTimeMillis());
        waiting.completion().accept(Reply.NONE_IN_TIME);
        return true;
    }

    /** Apps whose requests are not being decided (see {@link UndecidedStreaks}), for {@code /health/ready}. */
    List<String> undecidedApps() {
        return streaks.problems();
    }

    /** Forgets a request whose record could not be sent; false if it was already completed (or its id since reused). */
    boolean abandon(String app, String requestId, Completion completion) {
        Waiting waiting = pending.get(key(app, requestId));
        return waiting != null && waiting.completion() == completion && pending.remove(key(app, requestId), waiting);
    }

    int size() {
        return pending.size();
    }

    private static String key(String app, String requestId) {
        return app + '/' + requestId;
    }
}
