package dev.rendezvous.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How late the gateway's event loops run what is due, so that a request's timeout can fire early
 * enough for its 504 to leave by the deadline plus the reply grace (issue 15). A timer armed for
 * {@code deadline + grace} fires after it by construction, and later still on a loaded loop: in the
 * chaos suite's broker restart every 504 was written past deadline + grace. Each event loop that
 * dispatches a request samples itself with a one-shot timer re-armed every {@value #SAMPLE_EVERY_MS}
 * ms; the figure is the p99 of the newest {@value #WINDOW} samples (about 13 s), recomputed at most
 * every {@value #RECOMPUTE_EVERY_MS} ms. Samples from every loop share one window: a request may land
 * on any of them, so the slowest one's lag is the one to allow for.
 */
final class EventLoopLag {
    static final long SAMPLE_EVERY_MS = 50;
    static final int WINDOW = 256;
    static final long RECOMPUTE_EVERY_MS = 250;

    private final LongSupplier monotonicMs;
    private final long[] samples = new long[WINDOW];
    private int next;
    private int count;
    private long computedAtMs = Long.MIN_VALUE;
    private long p99Ms;
    private final Set<Context> sampled = ConcurrentHashMap.newKeySet();

    EventLoopLag(LongSupplier monotonicMs) {
        this.monotonicMs = monotonicMs;
    }

    /** Starts sampling the event loop of {@code context}, once per context (the timers end with Vert.x). */
    void sample(Vertx vertx, Context context) {
        if (sampled.add(context)) {
            context.runOnContext(v -> arm(vertx));
        }
    }

    private void arm(Vertx vertx) {
        long dueAt = monotonicMs.getAsLong() + SAMPLE_EVERY_MS;
        vertx.setTimer(SAMPLE_EVERY_MS, id -> {
            record(Math.max(0, monotonicMs.getAsLong() - dueAt));
            arm(vertx);
        });
    }

    /** Records that something due ran {@code lateMs} late. */
    synchronized void record(long lateMs) {
        samples[next] = lateMs;
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
    }

    /** The p99 of the newest samples, in milliseconds; 0 before any. */
    synchronized long p99Ms() {
        long now = monotonicMs.getAsLong();
        if (count > 0 && (computedAtMs == Long.MIN_VALUE || now - computedAtMs >= RECOMPUTE_EVERY_MS)) {
            long[] sorted = Arrays.copyOf(samples, count);
            Arrays.sort(sorted);
            p99Ms = sorted[Math.min(count - 1, (int) Math.ceil(count * 0.99) - 1)];
            computedAtMs = now;
        }
        return p99Ms;
    }

    /**
     * How much earlier than {@code deadline + grace} a request's timeout fires: the loops' p99 lag,
     * at most half the grace (a stalled loop must not turn the grace into nothing).
     */
    long timeoutMarginMs(long replyGraceMs) {
        return Math.min(p99Ms(), replyGraceMs / 2);
    }
}
