package dev.rendezvous.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the scoring requests admitted and not yet answered, per gateway and per app, refuses any
 * beyond the limits (load shedding instead of an unbounded queue): the static ones and, for apps that
 * have one, the {@link AdaptiveLimit} their answer delays set. Refuses all once draining, and lets
 * shutdown wait until the last one is answered.
 */
final class InflightLimiter {
    /** The verdict on one request asking to be admitted. */
    enum Admission { ADMITTED, GATEWAY_FULL, APP_FULL, APP_OVER_LATENCY_TARGET, DRAINING }

    private final int maxTotal;
    private final int maxPerApp;
    private final Map<String, AdaptiveLimit> adaptive;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> perApp = new ConcurrentHashMap<>();
    private final Object idle = new Object();
    private volatile boolean draining;

    /** Static limits only. */
    InflightLimiter(int maxTotal, int maxPerApp) {
        this(maxTotal, maxPerApp, Map.of());
    }

    /** @param adaptive per app, the limit its answer delays set; an app without one has only the static limits */
    InflightLimiter(int maxTotal, int maxPerApp, Map<String, AdaptiveLimit> adaptive) {
        this.maxTotal = maxTotal;
        this.maxPerApp = maxPerApp;
        // Grows when an app is created while the gateway runs (ServedApps).
        this.adaptive = new ConcurrentHashMap<>(adaptive);
    }

    /** Adds the adaptive limits of apps created while the gateway runs. */
    void addAdaptiveLimits(Map<String, AdaptiveLimit> more) {
        adaptive.putAll(more);
    }

    /** Admits a request of {@code app} unless a limit is reached or the gateway drains; admitted ones must be released once. */
    Admission tryAcquire(String app) {
        AtomicInteger appCount = perApp.computeIfAbsent(app, a -> new AtomicInteger());
        AdaptiveLimit appLimit = adaptive.get(app);
        // Count first, then check: a request racing with startDraining() is either seen by awaitIdle or refuses itself.
        int all = total.incrementAndGet();
        int mine = appCount.incrementAndGet();
        Admission verdict = draining ? Admission.DRAINING
                : all > maxTotal ? Admission.GATEWAY_FULL
                : mine > maxPerApp ? Admission.APP_FULL
                : appLimit != null && mine > appLimit.limit() ? Admission.APP_OVER_LATENCY_TARGET
                : Admission.ADMITTED;
        if (verdict != Admission.ADMITTED) {
            release(app);
        } else if (appLimit != null) {
            appLimit.admitted(mine);
        }
        return verdict;
    }

    /** An admitted request ended without an answer (refused later, failed, or the caller went away). */
    void release(String app) {
        releaseSlot(app);
    }

    /** An admitted request was answered {@code answerDelayMs} beyond what its policy asked it to wait. */
    void releaseAnswered(String app, long answerDelayMs) {
        int mine = releaseSlot(app);
        AdaptiveLimit appLimit = adaptive.get(app);
        if (appLimit != null) {
            appLimit.answered(answerDelayMs, mine);
        }
    }

    /** The app's adaptive limit, or null when it has only the static ones. */
    AdaptiveLimit adaptiveLimit(String app) {
        return adaptive.get(app);
    }

    private int releaseSlot(String app) {
        int mine = perApp.get(app).decrementAndGet();
        if (total.decrementAndGet() == 0 && draining) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
        return mine;
    }

    int maxTotal() {
        return maxTotal;
    }

    int maxPerApp() {
        return maxPerApp;
    }

    int inflight() {
        return total.get();
    }

    boolean isDraining() {
        return draining;
    }

    /** From now on every request is refused. */
    void startDraining() {
        draining = true;
    }

    /** Blocks (never call it on an event loop) until nothing is in flight or {@code timeoutMs} passed; true when idle. */
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long until = System.nanoTime() + timeoutMs * 1_000_000;
        synchronized (idle) {
            while (total.get() > 0) {
                long leftMs = (until - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    return false;
                }
                idle.wait(Math.min(leftMs, 50));
            }
        }
        return true;
    }
}
