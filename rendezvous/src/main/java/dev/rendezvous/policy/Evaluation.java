package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.Outcome;
import java.util.List;
import java.util.Objects;

/** What {@link Decider#decide} concludes for a request: decided, or a time to look again. */
public sealed interface Evaluation {

    /**
     * The request is decided.
     *
     * @param chosen       the served answer when the outcome is {@link Outcome#MODEL}, else null
     * @param output       what to serve: the chosen answer's output, the fallback's output, or null on timeout
     * @param splitVariant index of the request's split variant, null when the policy has no split
     * @param late         members expected to answer, servable under the policy, without any answer by {@code decidedAtMs}; in preference order
     * @param decidedAtMs  the offset at which the rule reached this decision: the earliest moment it could, at most the {@code nowMs} asked about.
     *                     Answers arriving after it are late, even if the runtime evaluated later
     */
    record Decided(Outcome outcome, Answer chosen, JsonNode output, DecisionReason reason, Integer splitVariant,
                   List<ModelRef> late, long decidedAtMs) implements Evaluation {
        public Decided {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
            if ((outcome == Outcome.MODEL) != (chosen != null)) {
                throw new IllegalArgumentException("a model decision, and only a model decision, names the chosen answer");
            }
            late = List.copyOf(late);
        }
    }

    /** Nothing to decide yet: evaluate again at {@code nextWakeAtMs} (a stage boundary or the deadline), or when an answer arrives. */
    record Pending(long nextWakeAtMs) implements Evaluation {
    }
}
