package dev.rendezvous.engine;

/**
 * How long before its deadline a request is decided at the latest, so that the answer reaches the
 * caller by the deadline and not one reply hop after it: the learnt hop ({@link ReplyHops}), but never
 * more than {@code maxShare} of the request's deadline (a slow hop must not turn every request into
 * an early fallback).
 *
 * @param estimateMs the reply hop's p99, ms
 * @param maxShare   the largest share of a deadline kept as margin, 0 (no margin) to 0.5
 */
public record ReplyMargin(long estimateMs, double maxShare) {
    public static final ReplyMargin NONE = new ReplyMargin(0, 0);
    /** The share kept by default: a 100 ms deadline keeps at most 20 ms for the trip back. */
    public static final double DEFAULT_MAX_SHARE = 0.2;

    public ReplyMargin {
        if (estimateMs < 0) {
            throw new IllegalArgumentException("estimateMs: " + estimateMs + "; expected at least 0");
        }
        if (!(maxShare >= 0 && maxShare <= 0.5)) {
            throw new IllegalArgumentException("rendezvous.replyMarginMaxShare: " + maxShare + " is not between 0 and 0.5");
        }
    }

    /**
     * Margins move in steps of this: an owner and its standby learn the hop from the same decisions but not
     * at the same moments, and two margins 1 ms apart are two decision instants, so a score landing between
     * them would be served by one and not the other.
     */
    public static final long STEP_MS = 5;

    /** A learnt hop rounded up to the next {@link #STEP_MS}. */
    public static long stepped(long hopMs) {
        return (hopMs + STEP_MS - 1) / STEP_MS * STEP_MS;
    }

    /** The margin for a request whose effective deadline is {@code deadlineMs} after receipt. */
    public long forDeadline(long deadlineMs) {
        return Math.max(0, Math.min(estimateMs, (long) Math.floor(deadlineMs * maxShare)));
    }
}
