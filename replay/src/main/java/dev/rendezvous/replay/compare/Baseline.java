package dev.rendezvous.replay.compare;

import dev.rendezvous.replay.input.ServedAnswers;
import dev.rendezvous.replay.scoring.Replayed;
import java.util.Optional;

/** What a replayed answer is compared with: what was served, or a second model's replayed answer. */
public sealed interface Baseline {

    /** The baseline's answer for one replayed input, and who gave it; empty when there is none (not in the snapshot). */
    Optional<ServedAnswers.Served> answerFor(Replayed replayed);

    /** A short name for reports: {@code served} or {@code name@version}. */
    String name();

    /** What was served, from the snapshot's decisions. */
    record Served(ServedAnswers served) implements Baseline {
        @Override
        public Optional<ServedAnswers.Served> answerFor(Replayed replayed) {
            return served.get(replayed.requestId());
        }

        @Override
        public String name() {
            return "served";
        }
    }

    /** A second model, scored on the same inputs in the same run. */
    record OtherModel(String ref) implements Baseline {
        @Override
        public Optional<ServedAnswers.Served> answerFor(Replayed replayed) {
            return Optional.of(new ServedAnswers.Served(ref, replayed.against()));
        }

        @Override
        public String name() {
            return ref;
        }
    }
}
