package dev.rendezvous.replay.compare;

import dev.rendezvous.replay.answer.Answer;

/**
 * When two answers agree: by label when both have one (the runner's argmax over the manifest's
 * labels), otherwise by score, when both have one and they differ by less than {@code epsilon}.
 * Anything else (a side without label or score in common) cannot be compared.
 */
public record AgreementRule(double epsilon) {

    /** The outcome of comparing two answers that both exist. */
    public enum Verdict { AGREE_BY_LABEL, DISAGREE_BY_LABEL, AGREE_BY_SCORE, DISAGREE_BY_SCORE, INCOMPARABLE;

        public boolean agrees() {
            return this == AGREE_BY_LABEL || this == AGREE_BY_SCORE;
        }

        public boolean compared() {
            return this != INCOMPARABLE;
        }
    }

    public AgreementRule {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon is " + epsilon + "; expected a positive number such as 1e-6");
        }
    }

    public Verdict judge(Answer replayed, Answer baseline) {
        if (replayed.hasLabel() && baseline.hasLabel()) {
            return replayed.label().equals(baseline.label()) ? Verdict.AGREE_BY_LABEL : Verdict.DISAGREE_BY_LABEL;
        }
        if (replayed.hasScore() && baseline.hasScore()) {
            return Math.abs(replayed.score() - baseline.score()) < epsilon ? Verdict.AGREE_BY_SCORE : Verdict.DISAGREE_BY_SCORE;
        }
        return Verdict.INCOMPARABLE;
    }
}
