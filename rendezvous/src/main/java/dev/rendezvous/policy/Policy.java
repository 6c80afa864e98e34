package dev.rendezvous.policy;

import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * An application's rendezvous policy: its deadline, the stages that widen what may be served as
 * time passes, an optional A/B split and an optional fallback. Build one with {@link PolicyParser},
 * which reports every problem with its field path; this constructor only guards the invariants.
 *
 * @param version  assigned by whoever stores the policy (e.g. its offset in {@code rdv.policies}); recorded with every decision
 * @param stages   in time order; the last one ends at the deadline
 * @param split    the A/B variants; empty when the policy has no split
 * @param fallback served when no acceptable model answered; null means an explicit timeout instead
 */
public record Policy(String app, long version, long deadlineMs, List<Stage> stages, List<SplitVariant> split, Fallback fallback) {
    /** The weights of a split must sum to 1 within this tolerance, so that 0.1 + 0.2 + 0.7 passes. */
    public static final double WEIGHT_TOLERANCE = 1e-9;

    public Policy {
        Objects.requireNonNull(app, "app");
        if (deadlineMs <= 0) {
            throw new IllegalArgumentException("policy " + app + ": deadline must be positive, was " + deadlineMs + "ms");
        }
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("policy " + app + ": at least one stage is required");
        }
        stages = List.copyOf(stages);
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).untilMs() <= stages.get(i - 1).untilMs()) {
                throw new IllegalArgumentException("policy " + app + ": stages must strictly increase");
            }
        }
        if (stages.get(stages.size() - 1).untilMs() != deadlineMs) {
            throw new IllegalArgumentException("policy " + app + ": the last stage must end at the deadline");
        }
        split = split == null ? List.of() : List.copyOf(split);
        if (!split.isEmpty()) {
            double sum = split.stream().mapToDouble(SplitVariant::weight).sum();
            if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
                throw new IllegalArgumentException("policy " + app + ": split weights sum to " + sum + ", not 1");
            }
        }
    }

    /** The same policy under another version number, e.g. once it is stored. */
    public Policy withVersion(long newVersion) {
        return new Policy(app, newVersion, deadlineMs, stages, split, fallback);
    }

    /**
     * The deadline a request actually gets: the caller may shorten the policy's deadline, never
     * lengthen it.
     *
     * @param requestedMs the caller's budget (e.g. {@code X-Deadline-Ms}), empty when it asked for none
     * @throws IllegalArgumentException when the request asks for a negative budget
     */
    public long effectiveDeadlineMs(OptionalLong requestedMs) {
        if (requestedMs.isEmpty()) {
            return deadlineMs;
        }
        if (requestedMs.getAsLong() < 0) {
            throw new IllegalArgumentException("requested deadline must not be negative, was " + requestedMs.getAsLong() + "ms");
        }
        return Math.min(deadlineMs, requestedMs.getAsLong());
    }

    /**
     * Whether any stage or split variant could ever serve {@code ref} playing {@code role}; a
     * gateway can reject a request pinned to a model this policy would never serve.
     */
    public boolean canServe(ModelRef ref, ModelRole role) {
        return allSelectors().anyMatch(selector -> selector.accepts(ref, role));
    }

    /** The index of the split variant {@code requestId} belongs to, or null without a split; see {@link SplitHash}. */
    public Integer splitVariantFor(String requestId) {
        return SplitHash.variantFor(split, requestId);
    }

    /** Every selector of the policy: split preferences first, then the stages in order. */
    Stream<Selector> allSelectors() {
        List<Selector> all = new ArrayList<>();
        split.forEach(variant -> all.addAll(variant.prefer()));
        stages.forEach(stage -> all.addAll(stage.accept()));
        return all.stream();
    }
}
