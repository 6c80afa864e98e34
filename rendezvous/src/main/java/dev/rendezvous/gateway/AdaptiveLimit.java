package dev.rendezvous.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * One app's in-flight limit, adapted to how quickly its answers come back (additive increase,
 * multiplicative decrease). Answers are collected in windows of at least {@code windowMs}; when a
 * window closes, its <em>quickest</em> answer delay is compared with the target. If even the quickest
 * answer was over it, requests are standing in a queue somewhere on the path (CoDel's insight) and the
 * limit is cut to 80 %; otherwise it grows by √limit, never above the static per-app maximum. Time
 * without answers closes no window and changes nothing.
 *
 * <p>Admissions only read the limit and raise the window's peak in flight (lock-free); an answer takes
 * this object's lock for a few comparisons, and once per window for the adjustment.
 */
final class AdaptiveLimit {
    /** What a cut keeps of the limit: the usual multiplicative decrease of AIMD limiters. */
    static final double BACKOFF_RATIO = 0.8;
    static final long NO_WINDOW_YET = -1;

    private final int maxLimit;
    private final int minLimit;
    private final long windowMs;
    private final LongSupplier targetMs;
    private final LongSupplier clockMs;
    private final AtomicInteger peakInflight = new AtomicInteger();
    private volatile int limit;
    private volatile long lastWindowMinMs = NO_WINDOW_YET;
    private volatile long lastTargetMs;
    // Guarded by this: the window being filled.
    private long windowStartMs;
    private long windowMinMs;
    private int windowAnswers;

    /**
     * @param maxLimit the static per-app limit, where the adaptive one starts and which it never exceeds
     * @param minLimit the floor of cuts (taken as {@code maxLimit} when larger)
     * @param targetMs the current target answer delay; asked when a window closes, so it can follow policy changes
     * @param clockMs  a monotonic millisecond clock
     */
    AdaptiveLimit(int maxLimit, int minLimit, long windowMs, LongSupplier targetMs, LongSupplier clockMs) {
        if (maxLimit < 1 || minLimit < 1 || windowMs < 1) {
            throw new IllegalArgumentException("limits and window must be positive: max " + maxLimit + ", min " + minLimit + ", window " + windowMs);
        }
        this.maxLimit = maxLimit;
        this.minLimit = Math.min(minLimit, maxLimit);
        this.windowMs = windowMs;
        this.targetMs = targetMs;
        this.clockMs = clockMs;
        this.limit = maxLimit;
        this.lastTargetMs = targetMs.getAsLong();
    }

    /** One limit per app, with its gauges; none when shedding is disabled (the gauge then shows the static limit). */
    static Map<String, AdaptiveLimit> forApps(Set<String> apps, SheddingConfig config, int maxPerApp, ToLongFunction<String> deadlineMs,
                                              LongSupplier clockMs, MeterRegistry registry) {
        Map<String, AdaptiveLimit> limits = new LinkedHashMap<>();
        for (String app : apps) {
            if (!config.enabled()) {
                Gauge.builder("rdv.gateway.inflight.limit", () -> maxPerApp).tag("app", app).strongReference(true).register(registry);
                continue;
            }
            AdaptiveLimit limit = new AdaptiveLimit(maxPerApp, config.minLimit(), config.windowMs(),
                    () -> config.targetMs(deadlineMs.applyAsLong(app)), clockMs);
            limits.put(app, limit);
            Gauge.builder("rdv.gateway.inflight.limit", limit, AdaptiveLimit::limit)
                    .description("requests the app may have in flight now (adapted to its answer delay)").tag("app", app).register(registry);
            Gauge.builder("rdv.gateway.answer.delay.min.ms", limit, l -> l.lastWindowMinMs() == NO_WINDOW_YET ? Double.NaN : l.lastWindowMinMs())
                    .description("the quickest answer delay of the app's last closed window").tag("app", app).register(registry);
            Gauge.builder("rdv.gateway.answer.delay.target.ms", limit, AdaptiveLimit::targetMs)
                    .description("the answer delay above which the app's limit is cut").tag("app", app).register(registry);
        }
        return Map.copyOf(limits);
    }

    int limit() {
        return limit;
    }

    long windowMs() {
        return windowMs;
    }

    /** The quickest answer delay of the last closed window, or {@link #NO_WINDOW_YET}. */
    long lastWindowMinMs() {
        return lastWindowMinMs;
    }

    /** The target the last closed window was compared with. */
    long lastTargetMs() {
        return lastTargetMs;
    }

    long targetMs() {
        return targetMs.getAsLong();
    }

    /** A request was admitted and the app now has {@code inflight} in flight. */
    void admitted(int inflight) {
        int peak = peakInflight.get();
        while (inflight > peak && !peakInflight.compareAndSet(peak, inflight)) {
            peak = peakInflight.get();
        }
    }

    /**
     * A request was answered, {@code delayMs} after its receipt beyond what its policy asked it to wait;
     * {@code inflight} are still in flight. Closes the window, and adjusts the limit, when it is old enough.
     */
    synchronized void answered(long delayMs, int inflight) {
        long now = clockMs.getAsLong();
        if (windowAnswers > 0 && now - windowStartMs >= windowMs) {
            adjust(windowMinMs);
            peakInflight.set(inflight);
            windowAnswers = 0;
        }
        if (windowAnswers == 0) {
            windowStartMs = now;
            windowMinMs = delayMs;
        } else {
            windowMinMs = Math.min(windowMinMs, delayMs);
        }
        windowAnswers++;
    }

    private void adjust(long quickestMs) {
        long target = targetMs.getAsLong();
        int current = limit;
        if (quickestMs > target) {
            // A limit far above what is in flight protects nothing, so cut from at most twice the
            // window's peak: one slow window (a GC pause) sheds nothing yet; the fourth in a row does.
            long base = Math.min(current, 2L * peakInflight.get());
            limit = Math.max(minLimit, (int) (base * BACKOFF_RATIO));
        } else {
            // √limit: back from the floor to a few hundred in a few seconds of good windows, yet small
            // steps near a large limit. Growing while little is in flight is harmless: a cut starts from the peak.
            limit = (int) Math.min(maxLimit, current + Math.max(1, (long) Math.sqrt(current)));
        }
        lastWindowMinMs = quickestMs;
        lastTargetMs = target;
    }
}
