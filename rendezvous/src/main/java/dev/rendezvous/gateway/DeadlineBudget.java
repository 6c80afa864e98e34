package dev.rendezvous.gateway;

/**
 * The time a request is given: the caller's wish, never more than the app's policy allows. When the
 * wish was larger, the budget is clamped and the response says so ({@code deadlineClamped}).
 *
 * @param ms          milliseconds from receipt to deadline
 * @param clamped     whether the caller asked for more than {@code ms}
 * @param requestedMs what the caller asked for, or null when it asked for nothing
 */
record DeadlineBudget(long ms, boolean clamped, Long requestedMs) {

    /** @param requestedMs the smallest deadline the caller asked for (header or OIP {@code timeout}), or null */
    static DeadlineBudget of(Long requestedMs, long maxMs) {
        if (requestedMs == null) {
            return new DeadlineBudget(maxMs, false, null);
        }
        return requestedMs > maxMs ? new DeadlineBudget(maxMs, true, requestedMs) : new DeadlineBudget(requestedMs, false, requestedMs);
    }

    /** The smaller of two optional wishes. */
    static Long tighter(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }
}
