package dev.rendezvous.policy;

import dev.rendezvous.protocol.ModelRef;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The mailbox as it stood at one instant: only answers that had arrived by then count. */
final class MailboxView {
    private final Map<ModelRef, Answer> firstSuccess = new LinkedHashMap<>();
    private final Set<ModelRef> answered = new HashSet<>();

    MailboxView(List<Answer> answers, long atMs) {
        for (Answer answer : answers) {
            if (answer.arrivalMs() > atMs) {
                continue;
            }
            answered.add(answer.model());
            // A redelivered score keeps its first arrival; a success counts even after an error from the same model.
            if (answer.succeeded()) {
                firstSuccess.merge(answer.model(), answer,
                        (kept, other) -> other.arrivalMs() < kept.arrivalMs() ? other : kept);
            }
        }
    }

    /** The earliest successful answer of each model that has one. */
    Collection<Answer> successes() {
        return firstSuccess.values();
    }

    /** Whether {@code model} has answered at all, with an output or an error: either way nobody waits for it. */
    boolean hasAnswered(ModelRef model) {
        return answered.contains(model);
    }
}
