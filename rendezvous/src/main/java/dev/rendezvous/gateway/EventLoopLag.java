package dev.rendezvous.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How late the gateway's event loops run what is due, so that a request's timeout can fire early
 * enough for its 504 to be written by the deadline plus the reply grace (issue 15). A timer armed for
 * {@code deadline + grace} fires after it by construction, and later still on a loaded loop: in the
 * chaos suite's broker restart every 504 was written past deadline + grace.
 *
 * <p>Two kinds of samples share one window of the newest {@value #WINDOW}: each event loop that
 * dispatches a request samples itself with a one-shot timer re-armed every {@value #SAMPLE_EVERY_MS}
 * ms (about 13 s of history for one loop), and each 504 records how long after its timer's due time it
 * was written (timer lag, the hop back onto the request's context, building and writing the body). The
 * margin is the <em>slowest</em> sample, not a percentile: a larger margin only shortens the wait for
 * decisions that are already late, while a smaller one breaks the promise for the next request that
 * times out.
 */
final class EventLoopLag {
    static final long SAMPLE_EVERY_MS = 50;
    static final int WINDOW = 256;
    /** The margin never falls below this share of the grace: a fresh stall has no sample yet. */
    static final int GRACE_FLOOR_DIVISOR = 10;

    private final LongSupplier monotonicMs;
    private final long[] samples = new long[WINDOW];
    private int next;
    private int count;
    /** The slowest sample in the window, kept by {@link #record} (a few times a second) so that requests only read it. */
    private volatile long slowestMs;
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

    /** Records that something due ran, or an answer due was written, {@code lateMs} late. */
    synchronized void record(long lateMs) {
        samples[next] = lateMs;
        next = (next + 1) % WINDOW;
        count = Math.min(count + 1, WINDOW);
        long slowest = 0;
        for (int i = 0; i < count; i++) {
            slowest = Math.max(slowest, samples[i]);
        }
        slowestMs = slowest;
    }

    /** The slowest of the newest samples, in milliseconds; 0 before any. */
    long slowestMs() {
        return slowestMs;
    }

    /**
     * How much earlier than {@code deadline + grace} a request's timeout fires: the slowest recent lag,
     * at least a tenth of the grace, at most half of it (a stalled loop must not turn the grace
     * into nothing).
     */
    long timeoutMarginMs(long replyGraceMs) {
        return Math.min(Math.max(slowestMs(), replyGraceMs / GRACE_FLOOR_DIVISOR), replyGraceMs / 2);
    }
}
