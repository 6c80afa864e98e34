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
    static final String THREE_HOPS = "kafka-3-hops";

    private TargetVerdicts() {
    }

    public static List<String> of(BenchReport report) {
        return of(report.comparisonRate(), report.comparison(), report.capacity());
    }

    /**
     * Each target, met or not, and beside it what three bare Kafka hops did in the same run (when the
     * floor was measured): the rendezvous path is those three hops plus work, so a bound the floor
     * itself misses is out of reach on this machine, whatever the platform does.
     */
    static List<String> of(double comparisonRate, List<LoadResult> comparison, CapacitySearch.Result capacity) {
        List<String> lines = new ArrayList<>();
        Optional<LoadResult> direct = find(comparison, DIRECT);
        Optional<LoadResult> rendezvous = find(comparison, RENDEZVOUS);
        Optional<LoadResult> floor = find(comparison, THREE_HOPS);
        String at = ResultTable.num(comparisonRate) + " req/s";
        if (direct.isPresent() && rendezvous.isPresent()) {
            double allowed = direct.get().percentileMillis(50) + 2.5;
            double p50 = rendezvous.get().percentileMillis(50);
            lines.add(verdict(p50 <= allowed, "at " + at + ": rendezvous p50 ≤ direct p50 + 2.5 ms", "rendezvous p50 " + ResultTable.num(p50)
                    + " ms vs allowed " + ResultTable.num(allowed) + " ms" + floor.map(f -> floorNote(f.percentileMillis(50), allowed, "p50")).orElse("")));
            double p99 = rendezvous.get().percentileMillis(99);
            lines.add(verdict(p99 <= 15, "at " + at + ": rendezvous p99 ≤ 15 ms", "p99 " + ResultTable.num(p99) + " ms"
                    + floor.map(f -> floorNote(f.percentileMillis(99), 15, "p99")).orElse("")));
        }
        if (capacity != null) {
            double best = highestRate(capacity, RENDEZVOUS, 50);
            String floorNote = "";
            if (capacity.capacity().containsKey(THREE_HOPS)) {
                double floorBest = highestRate(capacity, THREE_HOPS, 50);
                floorNote = "; three Kafka hops alone: " + (floorBest > 0 ? "highest such step " + ResultTable.num(floorBest) + " req/s" : "no step met it")
                        + (floorBest < 3_000 && floorTried(capacity, 3_000) ? ", so out of reach on this machine" : "");
            }
            lines.add(verdict(best >= 3_000, "sustained ≥ 3,000 req/s with p99 < 50 ms and zero unanswered",
                    (best > 0 ? "highest such step " + ResultTable.num(best) + " req/s" : "no step met it") + floorNote));
            long shed = capacity.steps().stream().flatMap(s -> s.results().values().stream())
                    .filter(r -> r.target().equals(RENDEZVOUS)).mapToLong(r -> r.count(dev.rendezvous.bench.load.Outcome.SHED)).sum();
            lines.add("- load shedding beyond capacity: " + (shed > 0 ? shed + " requests answered 503 in the capacity steps"
                    : "no 503 seen in the capacity steps (the gateway did not shed)"));
        }
        return lines;
    }

    private static String floorNote(double floorMillis, double boundMillis, String percentile) {
        return "; three Kafka hops alone: " + percentile + " " + ResultTable.num(floorMillis) + " ms"
                + (floorMillis > boundMillis ? ", so out of reach on this machine" : "");
    }

    /**
     * Whether the floor's own limit below {@code rate} is known: the search ran it at {@code rate} or
     * above, or it left the race earlier. A search that stopped below {@code rate} (a quick run) says
     * nothing about what the floor would have done there.
     */
    static boolean floorTried(CapacitySearch.Result capacity, double rate) {
        return capacity.steps().stream().anyMatch(step -> step.results().containsKey(THREE_HOPS)
                && (step.rate() >= rate || !step.passed().getOrDefault(THREE_HOPS, true)));
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
