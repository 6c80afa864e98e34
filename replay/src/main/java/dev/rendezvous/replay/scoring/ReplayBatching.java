package dev.rendezvous.replay.scoring;

import java.util.Locale;

/**
 * How a replay groups requests into model calls. A batch-sensitive model (docs/models.md) answers a
 * request differently alone and beside others, so the grouping is part of what is reproduced.
 */
public enum ReplayBatching {
    /** Every request alone, one model call each: the answer depends on the request only (the default). */
    SINGLE("single"),
    /**
     * The calls as served: requests that shared a call (same {@code batchId} in the replayed model's
     * archived scores) share one again, in their recorded order; requests without a recorded call alone.
     */
    AS_SERVED("as-served");

    private final String option;

    ReplayBatching(String option) {
        this.option = option;
    }

    /** As written on the command line and in the report. */
    public String option() {
        return option;
    }

    /** {@code single} or {@code as-served}; anything else is refused, naming the option. */
    public static ReplayBatching parse(String text) {
        for (ReplayBatching mode : values()) {
            if (mode.option.equals(text == null ? null : text.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--batching is '" + text + "'; expected single or as-served");
    }
}
