package dev.rendezvous.engine;

import dev.rendezvous.protocol.ScoringRequest;
import java.util.List;

/** Turns a request, the answers so far and the current time into a {@link Verdict}; pure, no I/O. */
public interface Arbiter {
    Verdict evaluate(ScoringRequest request, List<Arrival> arrivals, long nowMs);

    /**
     * The same, deciding at the latest {@code margin} before the deadline so that the answer reaches the
     * caller in time. An arbiter without a deadline of its own ignores the margin.
     */
    default Verdict evaluate(ScoringRequest request, List<Arrival> arrivals, long nowMs, ReplyMargin margin) {
        return evaluate(request, arrivals, nowMs);
    }
}
