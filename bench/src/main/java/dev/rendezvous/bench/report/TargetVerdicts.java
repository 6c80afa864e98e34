package dev.rendezvous.bench.report;

import dev.rendezvous.bench.load.CapacitySearch;
import dev.rendezvous.bench.load.LoadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks a report against the performance targets of issue 7 and says, per target, met or not and by how much. */
public final class TargetVerdicts {
    static final String DIRECT = "direct";
    static final String RENDEZVOUS = "rendezvous";

    private TargetVerdicts() {
    }

    public static List<String> of(BenchReport report) {
        List<String> lines = new ArrayList<>();
        Optional<LoadResult> direct = find(report.comparison(), DIRECT);
        Optional<LoadResult> rendezvous = find(report.comparison(), RENDEZVOUS);
        String at = ResultTable.num(report.comparisonRate()) + " req/s";
        if (direct.isPresent() && rendezvous.isPresent()) {
            double allowed = direct.get().percentileMillis(50) + 2.5;
            double p50 = rendezvous.get().percentileMillis(50);
            lines.add(verdict(p50 <= allowed, "at " + at + ": rendezvous p50 ≤ direct p50 + 2.5 ms", "rendezvous p50 " + ResultTable.num(p50)
                    + " ms vs allowed " + ResultTable.num(allowed) + " ms"));
            double p99 = rendezvous.get().percentileMillis(99);
            lines.add(verdict(p99 <= 15, "at " + at + ": rendezvous p99 ≤ 15 ms", "p99 " + ResultTable.num(p99) + " ms"));
        }
        if (report.capacity() != null) {
            double best = highestRate(report.capacity(), RENDEZVOUS, 50);
            lines.add(verdict(best >= 3_000, "sustained ≥ 3,000 req/s with p99 < 50 ms and zero unanswered",
                    best > 0 ? "highest such step " + ResultTable.num(best) + " req/s" : "no step met it"));
            long shed = report.capacity().steps().stream().flatMap(s -> s.results().values().stream())
                    .filter(r -> r.target().equals(RENDEZVOUS)).mapToLong(r -> r.count(dev.rendezvous.bench.load.Outcome.SHED)).sum();
            lines.add("- load shedding beyond capacity: " + (shed > 0 ? shed + " requests answered 503 in the capacity steps"
                    : "no 503 seen in the capacity steps (the gateway did not shed)"));
        }
        return lines;
    }

    /** The highest step at which {@code target} answered every request with 200 at a p99 below {@code p99Ms}. */
    static double highestRate(CapacitySearch.Result capacity, String target, double p99Ms) {
        double best = 0;
        for (CapacitySearch.Step step : capacity.steps()) {
            LoadResult result = step.results().get(target);
            if (result != null && result.notAnswered() == 0 && result.percentileMillis(99) < p99Ms && result.achievedRate() >= 0.95 * step.rate()) {
                best = Math.max(best, step.rate());
            }
        }
        return best;
    }

    private static Optional<LoadResult> find(List<LoadResult> results, String target) {
        return results.stream().filter(r -> r.target().equals(target)).findFirst();
    }

    private static String verdict(boolean met, String target, String detail) {
        return "- " + (met ? "**met**" : "**not met**") + ": " + target + " (" + detail + ")";
    }
}
