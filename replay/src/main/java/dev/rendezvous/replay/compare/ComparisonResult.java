package dev.rendezvous.replay.compare;

import java.util.List;
import java.util.SortedMap;

/**
 * Everything a replay found, ready to be written as JSON or drawn. Every input falls in exactly one of
 * {@code undecodable, replayErrors, baselineMissing, baselineWithoutAnswer, incomparable, compared}.
 *
 * @param replayErrors     replayed answers that are errors, by code (an input the model refused)
 * @param baselineErrors   baselines without an answer, by reason ({@code timeout}, or the other model's error code)
 * @param baselineBy       who gave the baseline answer: served model {@code name@version}, {@code fallback}, {@code timeout}
 * @param labelTransitions {@code "<baseline label> -> <replayed label>"} counts over answers that both have labels
 * @param deltas           replayed score minus baseline score, for every pair with two scores, in input order
 * @param baselineScores   the baseline scores of those pairs, same order
 * @param replayedScores   the replayed scores of those pairs, same order
 */
public record ComparisonResult(Counts counts, SortedMap<String, Long> replayErrors, SortedMap<String, Long> baselineErrors,
                               SortedMap<String, Long> baselineBy, SortedMap<String, Long> labelTransitions,
                               double[] deltas, double[] baselineScores, double[] replayedScores,
                               List<Change> largestChanges, long bucketMs, List<TimeBucket> overTime) {

    /** How many inputs went where; see the class comment for the partition. */
    public record Counts(long inputs, long undecodable, long notReproducible, long replayErrors, long baselineMissing, long baselineWithoutAnswer,
                         long incomparable, long compared, long agreed, long comparedByLabel, long agreedByLabel,
                         long comparedByScore, long agreedByScore) {

        /** agreed / compared; null when nothing could be compared. */
        public Double agreementRate() {
            return compared == 0 ? null : agreed / (double) compared;
        }

        /** (undecodable + replay errors) / inputs: how often the replayed model could not answer; null without inputs. */
        public Double errorRate() {
            return inputs == 0 ? null : (undecodable + replayErrors) / (double) inputs;
        }
    }

    /** One input whose score changed, with both sides. */
    public record Change(String requestId, int partition, long offset, long receivedAtMs, String baselineBy,
                         String baselineLabel, double baselineScore, String replayedLabel, double replayedScore, double delta) {
    }

    /** Agreement among the inputs received in [{@code fromMs}, {@code toMs}). */
    public record TimeBucket(long fromMs, long toMs, long inputs, long compared, long agreed) {
        public Double agreementRate() {
            return compared == 0 ? null : agreed / (double) compared;
        }
    }
}
