package dev.rendezvous.bench.load;

/**
 * When each request of an open-loop run is due: request {@code i} is due at {@code startNanos + i * periodNanos},
 * whatever happened to the requests before it.
 */
public record ArrivalSchedule(long startNanos, double periodNanos) {

    public ArrivalSchedule {
        if (!(periodNanos > 0)) {
            throw new IllegalArgumentException("periodNanos must be positive, was " + periodNanos);
        }
    }

    /** A schedule of {@code ratePerSecond} requests per second starting at {@code startNanos} ({@link System#nanoTime()} clock). */
    public static ArrivalSchedule atRate(double ratePerSecond, long startNanos) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("the rate must be positive, was " + ratePerSecond + " requests/s");
        }
        return new ArrivalSchedule(startNanos, 1e9 / ratePerSecond);
    }

    /** The intended send time of request {@code index}. Computed from the start, not accumulated, so rounding never drifts. */
    public long intendedNanos(long index) {
        return startNanos + Math.round(index * periodNanos);
    }

    /** How many requests are due in {@code [startNanos, startNanos + durationNanos)}. */
    public long countWithin(long durationNanos) {
        return (long) Math.ceil(durationNanos / periodNanos);
    }
}
