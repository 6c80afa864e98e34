package dev.rendezvous.gateway;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per application, how many requests in a row got no decision at all by their deadline plus the
 * reply grace, and since when. A few in a row mean nobody is deciding that app's requests (a stuck or
 * missing rendezvous), which {@code /health/ready} reports: a poison record that stopped the
 * rendezvous once left every request answering 504 while readiness said "ready".
 *
 * <p>It is a readiness signal only, never a reason to refuse requests: refusing them would leave no
 * decision to end the streak with.
 */
final class UndecidedStreaks {
    /** This many undecided requests in a row, with no decision between them, mark an app as not being decided. */
    static final int STALLED_AFTER = 3;

    private record Streak(int count, long sinceMs) {
    }

    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    void decided(String app) {
        if (!streaks.isEmpty()) {
            streaks.remove(app);
        }
    }

    void undecided(String app, long nowMs) {
        streaks.merge(app, new Streak(1, nowMs), (old, one) -> new Streak(old.count() + 1, old.sinceMs()));
    }

    /** One line per app whose requests are not being decided; empty when all are. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        streaks.forEach((app, streak) -> {
            if (streak.count() >= STALLED_AFTER) {
                problems.add("app '" + app + "': the last " + streak.count() + " requests got no decision by their deadline (since "
                        + Instant.ofEpochMilli(streak.sinceMs()) + "); is a rendezvous running and reading " + app + ".requests?");
            }
        });
        problems.sort(null);
        return problems;
    }
}
