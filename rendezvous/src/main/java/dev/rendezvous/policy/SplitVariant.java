package dev.rendezvous.policy;

import java.util.List;

/**
 * One variant of a policy's A/B split: the share of request ids it receives, and the models it puts
 * ahead of every stage's own list.
 */
public record SplitVariant(double weight, List<Selector> prefer) {
    public SplitVariant {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("split weight must be between 0 and 1, was " + weight);
        }
        if (prefer == null || prefer.isEmpty()) {
            throw new IllegalArgumentException("a split variant must prefer at least one selector");
        }
        prefer = List.copyOf(prefer);
    }
}
