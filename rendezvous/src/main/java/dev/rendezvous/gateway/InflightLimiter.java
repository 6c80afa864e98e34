package dev.rendezvous.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the scoring requests admitted and not yet answered, per gateway and per app, refuses any
 * beyond the limits (load shedding instead of an unbounded queue), refuses all once draining, and
 * lets shutdown wait until the last one is answered.
 */
final class InflightLimiter {
    /** The verdict on one request asking to be admitted. */
    enum Admission { ADMITTED, GATEWAY_FULL, APP_FULL, DRAINING }

    private final int maxTotal;
    private final int maxPerApp;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> perApp = new ConcurrentHashMap<>();
    private final Object idle = new Object();
    private volatile boolean draining;

    InflightLimiter(int maxTotal, int maxPerApp) {
        this.maxTotal = maxTotal;
        this.maxPerApp = maxPerApp;
    }

    /** Admits a request of {@code app} unless a limit is reached or the gateway drains; admitted ones must be {@link #release}d once. */
    Admission tryAcquire(String app) {
        AtomicInteger appCount = perApp.computeIfAbsent(app, a -> new AtomicInteger());
        // Count first, then check: a request racing with startDraining() is either seen by awaitIdle or refuses itself.
        int all = total.incrementAndGet();
        int mine = appCount.incrementAndGet();
        Admission verdict = draining ? Admission.DRAINING
                : all > maxTotal ? Admission.GATEWAY_FULL
                : mine > maxPerApp ? Admission.APP_FULL
                : Admission.ADMITTED;
        if (verdict != Admission.ADMITTED) {
            release(app);
        }
        return verdict;
    }

    void release(String app) {
        perApp.get(app).decrementAndGet();
        if (total.decrementAndGet() == 0 && draining) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
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
