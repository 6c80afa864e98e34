package dev.rendezvous.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raises the rate step by step, interleaving the targets still in the race at each step, until a
 * target's p99 exceeds the deadline, any of its requests is not answered with 200 (timeout, shed,
 * error, dropped, unanswered), or it cannot take the offered rate; a target's capacity is its highest
 * step that passed.
 */
public final class CapacitySearch {
    /** A step counts as sustained only when at least this share of the offered rate was answered. */
    static final double MIN_ACHIEVED_SHARE = 0.95;

    private final InterleavedRun run;
    private final double deadlineMs;
    private final Duration settleTime;

    public CapacitySearch(InterleavedRun run, double deadlineMs, Duration settleTime) {
        this.run = run;
        this.deadlineMs = deadlineMs;
        this.settleTime = settleTime;
    }

    /** One rate step: each target's result and whether it passed. */
    public record Step(double rate, Map<String, LoadResult> results, Map<String, Boolean> passed) {
    }

    /** Every step run, and the highest passing rate per target (0 when even the first step failed). */
    public record Result(List<Step> steps, Map<String, Double> capacity, double deadlineMs) {
    }

    public Result search(List<LoadTarget> targets, List<Double> rates, Duration segment, int rounds) {
        List<LoadTarget> racing = new ArrayList<>(targets);
        Map<String, Double> capacity = new LinkedHashMap<>();
        targets.forEach(t -> capacity.put(t.name(), 0.0));
        List<Step> steps = new ArrayList<>();
        for (double rate : rates) {
            if (racing.isEmpty()) {
                break;
            }
            Map<String, LoadResult> results = run.run(racing, rate, segment, rounds);
            Map<String, Boolean> passed = new LinkedHashMap<>();
            for (LoadTarget target : List.copyOf(racing)) {
                boolean ok = passes(results.get(target.name()), rate);
                passed.put(target.name(), ok);
                if (ok) {
                    capacity.put(target.name(), rate);
                } else {
                    racing.remove(target);
                }
            }
            steps.add(new Step(rate, results, passed));
            if (passed.containsValue(false) && !racing.isEmpty()) {
                settle();
            }
        }
        return new Result(steps, capacity, deadlineMs);
    }

    /** A target that just failed may have queues to work off (runners, archiver); they must not load the next step of the others. */
    private void settle() {
        try {
            Thread.sleep(settleTime.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean passes(LoadResult result, double rate) {
        return result.notAnswered() == 0
                && result.percentileMillis(99) <= deadlineMs
                && result.achievedRate() >= MIN_ACHIEVED_SHARE * rate;
    }
}
