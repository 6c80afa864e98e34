package dev.rendezvous.engine;

import dev.rendezvous.protocol.Decision;

/** What an {@link Arbiter} concludes for a mailbox: a decision now, or a time to look again. */
public sealed interface Verdict {
    /** Serve this decision now. */
    record Decide(Decision decision) implements Verdict {
    }

    /** Nothing to decide yet; look again at {@code wakeAtMs} (epoch ms) unless an answer arrives first. */
    record Wait(long wakeAtMs) implements Verdict {
    }
}
