package dev.rendezvous.gateway;

import dev.rendezvous.protocol.Decision;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Requests this gateway sent and still waits on, by application and request id. Each completes
 * exactly once: with the decision from the reply topic, or with a timeout when none came in time.
 */
final class PendingReplies {
    /** How a waiting request is finished: with a decision, or with null for "no decision in time". */
    interface Completion extends Consumer<Decision> {
    }

    private final ConcurrentHashMap<String, Completion> pending = new ConcurrentHashMap<>();
    private final UndecidedStreaks streaks = new UndecidedStreaks();

    /** Registers a request; false when the same id is already in flight for the app. */
    boolean register(String app, String requestId, Completion completion) {
        return pending.putIfAbsent(key(app, requestId), completion) == null;
    }

    /** Completes the request with its decision; a decision for an unknown or finished request is ignored. */
    boolean complete(Decision decision) {
        Completion completion = pending.remove(key(decision.app(), decision.requestId()));
        if (completion == null) {
            return false;
        }
        streaks.decided(decision.app());
        completion.accept(decision);
        return true;
    }

    /** Completes the request with "no decision"; false if it was already completed. */
    boolean expire(String app, String requestId) {
        Completion completion = pending.remove(key(app, requestId));
        if (completion == null) {
            return false;
        }
        streaks.undecided(app, System.currentTimeMillis());
        completion.accept(null);
        return true;
    }

    /** Apps whose requests are not being decided (see {@link UndecidedStreaks}), for {@code /health/ready}. */
    List<String> undecidedApps() {
        return streaks.problems();
    }

    /** Forgets a request whose record could not be sent; false if it was already completed (or its id since reused). */
    boolean abandon(String app, String requestId, Completion completion) {
        return pending.remove(key(app, requestId), completion);
    }

    /**
     * Whether this registration still waits for its decision: neither answered nor abandoned, and not
     * since replaced by a new request that reuses the id.
     */
    boolean isWaiting(String app, String requestId, Completion completion) {
        return pending.get(key(app, requestId)) == completion;
    }

    int size() {
        return pending.size();
    }

    private static String key(String app, String requestId) {
        return app + '/' + requestId;
    }
}
