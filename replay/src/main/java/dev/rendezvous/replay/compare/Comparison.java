package dev.rendezvous.replay.compare;

import dev.rendezvous.replay.answer.Answer;
import dev.rendezvous.replay.input.ServedAnswers;
import dev.rendezvous.replay.scoring.Replayed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Compares every replayed answer with its baseline under an {@link AgreementRule}, in input order.
 * A pure function of its inputs: no clock, no randomness, so the same replay gives the same result.
 */
public final class Comparison {
    private final AgreementRule rule;
    private final int largestChanges;
    private final int timeBuckets;

    public Comparison(AgreementRule rule, int largestChanges, int timeBuckets) {
        if (largestChanges < 0 || timeBuckets < 1) {
            throw new IllegalArgumentException("largestChanges is " + largestChanges + " and timeBuckets " + timeBuckets
                    + "; expected at least 0 and 1");
        }
        this.rule = rule;
        this.largestChanges = largestChanges;
        this.timeBuckets = timeBuckets;
    }

    public ComparisonResult compare(List<Replayed> replayed, Baseline baseline) {
        Tally tally = new Tally();
        TimeBuckets buckets = TimeBuckets.covering(replayed, timeBuckets);
        List<Integer> scored = new ArrayList<>();
        List<ServedAnswers.Served> baselines = new ArrayList<>();
        for (Replayed r : replayed) {
            Optional<ServedAnswers.Served> base = judge(r, baseline, tally, buckets);
            baselines.add(base.orElse(null));
            if (base.isPresent() && r.replayed().ok() && base.get().answer().ok() && r.replayed().hasScore() && base.get().answer().hasScore()) {
                scored.add(baselines.size() - 1);
            }
        }
        double[] deltas = new double[scored.size()];
        double[] baseScores = new double[scored.size()];
        double[] replayedScores = new double[scored.size()];
        for (int k = 0; k < scored.size(); k++) {
            int i = scored.get(k);
            baseScores[k] = baselines.get(i).answer().score();
            replayedScores[k] = replayed.get(i).replayed().score();
            deltas[k] = replayedScores[k] - baseScores[k];
        }
        List<ComparisonResult.Change> changes = largest(scored, deltas, replayed).stream()
                .map(i -> change(replayed.get(i), baselines.get(i)))
                .toList();
        return new ComparisonResult(tally.counts(), tally.replayErrors, tally.baselineErrors, tally.baselineBy, tally.transitions,
                deltas, baseScores, replayedScores, changes, buckets.widthMs(), buckets.result());
    }

    /**
     * The indexes (into {@code replayed}) of the largest absolute deltas, largest first, ties by request id then
     * input order: a bounded heap, since sorting every pair cost more than the rest of the comparison.
     */
    private List<Integer> largest(List<Integer> scored, double[] deltas, List<Replayed> replayed) {
        Comparator<Integer> order = Comparator.<Integer>comparingDouble(k -> -Math.abs(deltas[k]))
                .thenComparing(k -> String.valueOf(replayed.get(scored.get(k)).requestId()))
                .thenComparingInt(k -> k);
        PriorityQueue<Integer> heap = new PriorityQueue<>(order.reversed());
        for (int k = 0; k < deltas.length && largestChanges > 0; k++) {
            if (heap.size() < largestChanges) {
                heap.add(k);
            } else if (order.compare(k, heap.peek()) < 0) {
                heap.poll();
                heap.add(k);
            }
        }
        List<Integer> best = new ArrayList<>(heap);
        best.sort(order);
        return best.stream().map(scored::get).toList();
    }

    private Optional<ServedAnswers.Served> judge(Replayed r, Baseline baseline, Tally tally, TimeBuckets buckets) {
        tally.inputs++;
        if (Answer.UNDECODABLE.equals(r.replayed().error())) {
            tally.undecodable++;
            return Optional.empty();
        }
        if (Answer.NOT_REPRODUCIBLE.equals(r.replayed().error())) {
            tally.notReproducible++;
            return Optional.empty();
        }
        Optional<ServedAnswers.Served> base = baseline.answerFor(r);
        base.ifPresent(b -> tally.baselineBy.merge(b.servedBy(), 1L, Long::sum));
        AgreementRule.Verdict verdict = null;
        if (!r.replayed().ok()) {
            tally.replayErrors.merge(r.replayed().error(), 1L, Long::sum);
        } else if (base.isEmpty()) {
            tally.baselineMissing++;
        } else if (!base.get().answer().ok()) {
            tally.baselineErrors.merge(base.get().answer().error(), 1L, Long::sum);
        } else {
            verdict = rule.judge(r.replayed(), base.get().answer());
            tally.count(verdict);
            if (r.replayed().hasLabel() && base.get().answer().hasLabel()) {
                tally.transitions.merge(base.get().answer().label() + " -> " + r.replayed().label(), 1L, Long::sum);
            }
        }
        buckets.add(r.receivedAtMs(), verdict);
        return base;
    }

    private static ComparisonResult.Change change(Replayed r, ServedAnswers.Served base) {
        Answer b = base.answer();
        Answer a = r.replayed();
        return new ComparisonResult.Change(r.requestId(), r.partition(), r.offset(), r.receivedAtMs(), base.servedBy(),
                b.label(), b.score(), a.label(), a.score(), a.score() - b.score());
    }

    /** Running counts of one comparison. */
    private static final class Tally {
        long inputs;
        long undecodable;
        long notReproducible;
        long baselineMissing;
        long incomparable;
        long comparedByLabel;
        long agreedByLabel;
        long comparedByScore;
        long agreedByScore;
        final SortedMap<String, Long> replayErrors = new TreeMap<>();
        final SortedMap<String, Long> baselineErrors = new TreeMap<>();
        final SortedMap<String, Long> baselineBy = new TreeMap<>();
        final SortedMap<String, Long> transitions = new TreeMap<>();

        void count(AgreementRule.Verdict verdict) {
            switch (verdict) {
                case AGREE_BY_LABEL -> { comparedByLabel++; agreedByLabel++; }
                case DISAGREE_BY_LABEL -> comparedByLabel++;
                case AGREE_BY_SCORE -> { comparedByScore++; agreedByScore++; }
                case DISAGREE_BY_SCORE -> comparedByScore++;
                case INCOMPARABLE -> incomparable++;
            }
        }

        ComparisonResult.Counts counts() {
            long errors = replayErrors.values().stream().mapToLong(Long::longValue).sum();
            long without = baselineErrors.values().stream().mapToLong(Long::longValue).sum();
            return new ComparisonResult.Counts(inputs, undecodable, notReproducible, errors, baselineMissing, without, incomparable,
                    comparedByLabel + comparedByScore, agreedByLabel + agreedByScore, comparedByLabel, agreedByLabel,
                    comparedByScore, agreedByScore);
        }
    }
}
