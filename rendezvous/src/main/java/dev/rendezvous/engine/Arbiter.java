package dev.rendezvous.engine;

import dev.rendezvous.protocol.ScoringRequest;
import java.util.List;

/** Turns a request, the answers so far and the current time into a {@link Verdict}; pure, no I/O. */
public interface Arbiter {
    Verdict evaluate(ScoringRequest request, List<Arrival> arrivals, long nowMs);
}
