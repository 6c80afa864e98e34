package dev.rendezvous.engine;

import dev.rendezvous.protocol.Decision;

/** What an {@link Arbiter} concludes for a mailbox: a decision now, or a time to look again. */
public sealed interface Verdict {
    /**
     * Serve this decision now.
     *
     * @param instantMs when, on the scores' clock (their broker append times, epoch ms), the rule reached
     *                  the decision: the earliest instant it could
     * @param onTimer   whether that instant is a stage end or the deadline rather than an answer's arrival: such a
     *                  decision depends on no answer having arrived by then, which only a complete read of the
     *                  scores up to the instant can show (see {@code ScoresReadThrough})
     */
    record Decide(Decision decision, long instantMs, boolean onTimer) implements Verdict {
        /** A decision that does not depend on which answers have arrived (no policy: an immediate timeout). */
        public Decide(Decision decision) {
            this(decision, Long.MIN_VALUE, false);
        }
    }

    /** Nothing to decide yet; look again at {@code wakeAtMs} (epoch ms) unless an answer arrives first. */
    record Wait(long wakeAtMs) implements Verdict {
    }
}
