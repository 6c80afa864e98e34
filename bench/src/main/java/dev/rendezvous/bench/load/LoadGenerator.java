package dev.rendezvous.bench.load;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: sends at a fixed arrival rate from one scheduling thread, never waiting
 * for answers, and measures each latency from the request's <em>intended</em> send time, so that a
 * stall of the target or of this generator shows up in the latencies instead of silently lowering the
 * rate (coordinated omission). Beyond {@code maxOutstanding} requests in flight it drops, and counts.
 */
public final class LoadGenerator {
    /** Latencies above a minute are clamped: by then a request has failed by any standard. */
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final int maxOutstanding;
    private final Duration drainTimeout;
    private final LongSupplier platformCpuNanos;

    public LoadGenerator(int maxOutstanding, Duration drainTimeout) {
        this(maxOutstanding, drainTimeout, null);
    }

    /**
     * @param platformCpuNanos the CPU nanoseconds so far of the platform's own process, read before and
     *                         after each segment and added to the bench process's; null when the platform
     *                         runs inside the bench's process
     */
    public LoadGenerator(int maxOutstanding, Duration drainTimeout, LongSupplier platformCpuNanos) {
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("maxOutstanding must be at least 1, was " + maxOutstanding);
        }
        this.maxOutstanding = maxOutstanding;
        this.drainTimeout = drainTimeout;
        this.platformCpuNanos = platformCpuNanos;
    }

    /**
     * Runs one segment of {@code duration} at {@code ratePerSecond}, then waits (up to the drain
     * timeout) for the answers still outstanding; {@code firstSequence} keeps request numbers unique
     * across segments.
     */
    public LoadResult run(LoadTarget target, double ratePerSecond, Duration duration, long firstSequence) {
        Histogram latencies = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        AtomicLongArray counts = new AtomicLongArray(Outcome.values().length);
        AtomicInteger outstanding = new AtomicInteger();
        AtomicBoolean counting = new AtomicBoolean(true);
        long platformCpuBefore = platformCpuNanos == null ? 0 : platformCpuNanos.getAsLong();
        long cpuBefore = ProcessCpu.cpuNanos();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        ArrivalSchedule schedule = ArrivalSchedule.atRate(ratePerSecond, start);
        long requests = schedule.countWithin(duration.toNanos());
        for (long i = 0; i < requests; i++) {
            long intended = schedule.intendedNanos(i);
            sleepUntil(intended);
            if (outstanding.get() >= maxOutstanding) {
                counts.incrementAndGet(Outcome.DROPPED_BY_CLIENT.ordinal());
                continue;
            }
            outstanding.incrementAndGet();
            try {
                target.send(firstSequence + i).whenComplete((status, error) -> {
                    long micros = (System.nanoTime() - intended) / 1_000;
                    Outcome outcome = error != null ? Outcome.FAILED : Outcome.ofStatus(status);
                    // Answers arriving after the drain gave up were already counted as unanswered.
                    if (counting.get()) {
                        if (outcome == Outcome.ANSWERED || outcome == Outcome.TIMED_OUT) {
                            latencies.recordValue(Math.min(micros, HIGHEST_MICROS));
                        }
                        counts.incrementAndGet(outcome.ordinal());
                    }
                    outstanding.decrementAndGet();
                });
            } catch (RuntimeException e) {
                counts.incrementAndGet(Outcome.FAILED.ordinal());
                outstanding.decrementAndGet();
            }
        }
        // The scheduled window, not the time the sends took: a generator running late still sent every
        // request, and its lateness is already charged to the latencies (measured from the intended time).
        long scheduledNanos = schedule.intendedNanos(requests) - start;
        long drainUntil = System.nanoTime() + drainTimeout.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < drainUntil) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        counting.set(false);
        long end = System.nanoTime();
        long cpuAfter = ProcessCpu.cpuNanos();
        long platformCpu = platformCpuNanos == null ? -1 : platformCpuNanos.getAsLong() - platformCpuBefore;
        Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            byOutcome.put(outcome, counts.get(outcome.ordinal()));
        }
        return new LoadResult(target.name(), ratePerSecond, scheduledNanos, latencies.copy(), byOutcome,
                Math.max(0, outstanding.get()), cpuAfter - cpuBefore + Math.max(0, platformCpu), end - start, platformCpu);
    }

    /** Parks until {@code deadlineNanos}; lateness does not matter for correctness, since latency counts from the intended time. */
    private static void sleepUntil(long deadlineNanos) {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }
}
