package dev.rendezvous.bench.load;

import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one or more open-loop segments against one target measured: latencies (microseconds from the
 * intended send time, of answered and timed-out requests) and a count per {@link Outcome}.
 *
 * @param offeredRate  requests per second the schedule asked for
 * @param measuredNanos wall time of the scheduled windows, summed over segments
 * @param cpuNanos     CPU time used during those windows (and their drains) by the bench's process and, when the
 *                     platform runs in a process of its own, that process too
 * @param unanswered   requests still without an answer when the drain timeout ended
 * @param platformCpuNanos the platform process's share of {@code cpuNanos} when it runs in a process of its own
 *                     (broker included); -1 when it runs inside the bench's process and cannot be told apart
 */
public record LoadResult(String target, double offeredRate, long measuredNanos, Histogram latencyMicros,
                         Map<Outcome, Long> outcomes, long unanswered, long cpuNanos, long cpuWallNanos, long platformCpuNanos) {

    public LoadResult {
        outcomes = new EnumMap<>(outcomes.isEmpty() ? new EnumMap<>(Outcome.class) : outcomes);
        for (Outcome outcome : Outcome.values()) {
            outcomes.putIfAbsent(outcome, 0L);
        }
    }

    /** Without a platform process of its own (the in-JVM mode, the Kafka floor before it ran beside one). */
    public LoadResult(String target, double offeredRate, long measuredNanos, Histogram latencyMicros,
                      Map<Outcome, Long> outcomes, long unanswered, long cpuNanos, long cpuWallNanos) {
        this(target, offeredRate, measuredNanos, latencyMicros, outcomes, unanswered, cpuNanos, cpuWallNanos, -1);
    }

    public long count(Outcome outcome) {
        return outcomes.get(outcome);
    }

    /** Requests that got any HTTP answer except a shed, per second of scheduled time. */
    public double achievedRate() {
        return measuredNanos == 0 ? 0 : (count(Outcome.ANSWERED) + count(Outcome.TIMED_OUT)) * 1e9 / measuredNanos;
    }

    /** Everything that did not end in an answer with HTTP 200: timeouts, sheds, failures, drops and the unanswered. */
    public long notAnswered() {
        return count(Outcome.TIMED_OUT) + count(Outcome.SHED) + count(Outcome.FAILED) + count(Outcome.DROPPED_BY_CLIENT) + unanswered;
    }

    /** Cores busy on average while this target was measured. */
    public double cpuCores() {
        return ProcessCpu.coresBetween(0, cpuNanos, cpuWallNanos);
    }

    /**
     * Process CPU milliseconds per request the target answered (200 or 504), over its segments and their
     * drains; NaN when none was answered. The whole process's CPU: broker, platform, generator and all.
     */
    public double cpuMillisPerRequest() {
        long answered = count(Outcome.ANSWERED) + count(Outcome.TIMED_OUT);
        return answered == 0 ? Double.NaN : cpuNanos / 1e6 / answered;
    }

    /** The platform process's CPU milliseconds per answered request (as {@link #cpuMillisPerRequest()}); NaN when not measured. */
    public double platformCpuMillisPerRequest() {
        long answered = count(Outcome.ANSWERED) + count(Outcome.TIMED_OUT);
        return answered == 0 || platformCpuNanos < 0 ? Double.NaN : platformCpuNanos / 1e6 / answered;
    }

    public double percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMillis() {
        return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
    }

    /** The sum of two results for the same target and rate (segments of an interleaved run). */
    public LoadResult plus(LoadResult other) {
        if (!target.equals(other.target)) {
            throw new IllegalArgumentException("cannot add results of " + target + " and " + other.target);
        }
        Histogram sum = latencyMicros.copy();
        sum.add(other.latencyMicros);
        Map<Outcome, Long> counts = new EnumMap<>(outcomes);
        other.outcomes.forEach((outcome, n) -> counts.merge(outcome, n, Long::sum));
        return new LoadResult(target, offeredRate, measuredNanos + other.measuredNanos, sum, counts,
                unanswered + other.unanswered, cpuNanos + other.cpuNanos, cpuWallNanos + other.cpuWallNanos,
                platformCpuNanos < 0 || other.platformCpuNanos < 0 ? -1 : platformCpuNanos + other.platformCpuNanos);
    }
}
