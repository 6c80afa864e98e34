package dev.rendezvous.gateway;

import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.Outcome;

/**
 * How a request the gateway sent ends: with the decision the rendezvous published for it, or with
 * none by the deadline plus the reply grace, which the gateway answers itself (504). A decision can
 * itself be a timeout (no model in time and no fallback); that is a {@link Decided} too.
 */
sealed interface Reply permits Reply.Decided, Reply.NoneInTime {
    /** What the caller is told happened: the decision's outcome, or a timeout. */
    Outcome outcome();

    /** The rendezvous's decision reached this gateway in time. */
    record Decided(Decision decision) implements Reply {
        public Decided {
            if (decision == null) {
                throw new IllegalArgumentException("a decided reply needs its decision");
            }
        }

        @Override
        public Outcome outcome() {
            return decision.outcome();
        }
    }

    /** No decision by deadline + grace: the gateway's own timeout. */
    record NoneInTime() implements Reply {
        @Override
        public Outcome outcome() {
            return Outcome.TIMEOUT;
        }
    }

    NoneInTime NONE_IN_TIME = new NoneInTime();

    static Reply of(Decision decision) {
        return new Decided(decision);
    }
}
