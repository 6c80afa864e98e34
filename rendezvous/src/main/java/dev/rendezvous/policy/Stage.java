package dev.rendezvous.policy;

import java.util.List;

/**
 * One stage of a policy: until {@code untilMs} after receipt, serve only what {@code accept} names,
 * the first listed that has answered winning.
 */
public record Stage(long untilMs, List<Selector> accept) {
    public Stage {
        if (untilMs <= 0) {
            throw new IllegalArgumentException("stage until must be positive, was " + untilMs + "ms");
        }
        if (accept == null || accept.isEmpty()) {
            throw new IllegalArgumentException("a stage must accept at least one selector");
        }
        accept = List.copyOf(accept);
    }
}
