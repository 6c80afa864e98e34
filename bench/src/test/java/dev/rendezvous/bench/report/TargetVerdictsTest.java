package dev.rendezvous.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.bench.load.CapacitySearch;
import dev.rendezvous.bench.load.LoadResult;
import dev.rendezvous.bench.load.Outcome;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class TargetVerdictsTest {

    @Test
    void saysABoundIsOutOfReachWhenThreeBareKafkaHopsMissItInTheSameRun() {
        assertThat(latencyVerdicts(6.0, 39.0, 20.0, 90.0)).containsExactly(
                "- **not met**: at 1000 req/s: rendezvous p50 ≤ direct p50 + 2.5 ms (rendezvous p50 20.0 ms vs allowed 3.00 ms;"
                        + " three Kafka hops alone: p50 6.00 ms, so out of reach on this machine)",
                "- **not met**: at 1000 req/s: rendezvous p99 ≤ 15 ms (p99 90.0 ms; three Kafka hops alone: p99 39.0 ms, so out of reach on this machine)");
    }

    @Test
    void namesTheFloorWithoutCallingItABarrierWhenTheFloorMeetsTheBound() {
        assertThat(latencyVerdicts(1.5, 8.0, 2.0, 12.0)).containsExactly(
                "- **met**: at 1000 req/s: rendezvous p50 ≤ direct p50 + 2.5 ms (rendezvous p50 2.00 ms vs allowed 3.00 ms;"
                        + " three Kafka hops alone: p50 1.50 ms)",
                "- **met**: at 1000 req/s: rendezvous p99 ≤ 15 ms (p99 12.0 ms; three Kafka hops alone: p99 8.00 ms)");
    }

    /** The verdicts at 1,000 req/s of a run whose direct path took p50 0.5 ms (so 3.0 ms are allowed). */
    private static List<String> latencyVerdicts(double floorP50, double floorP99, double rendezvousP50, double rendezvousP99) {
        return TargetVerdicts.of(1000, List.of(
                result("kafka-3-hops", 1000, floorP50, floorP99),
                result("direct", 1000, 0.5, 5.0),
                result("rendezvous", 1000, rendezvousP50, rendezvousP99)), null);
    }

    @Test
    void comparesTheSustainedRateWithTheFloorsOwnHighestStepUnderFiftyMilliseconds() {
        Map<String, LoadResult> at1000 = new LinkedHashMap<>();
        at1000.put("kafka-3-hops", result("kafka-3-hops", 1000, 5, 30));
        at1000.put("rendezvous", result("rendezvous", 1000, 20, 60));
        Map<String, LoadResult> at2000 = new LinkedHashMap<>();
        at2000.put("kafka-3-hops", result("kafka-3-hops", 2000, 8, 45));
        CapacitySearch.Step first = new CapacitySearch.Step(1000, at1000, Map.of("kafka-3-hops", true, "rendezvous", true));
        CapacitySearch.Step second = new CapacitySearch.Step(2000, at2000, Map.of("kafka-3-hops", true));
        Map<String, LoadResult> at3000 = new LinkedHashMap<>();
        at3000.put("kafka-3-hops", result("kafka-3-hops", 3000, 40, 120));
        CapacitySearch.Step third = new CapacitySearch.Step(3000, at3000, Map.of("kafka-3-hops", false));
        CapacitySearch.Result capacity = new CapacitySearch.Result(List.of(first, second, third),
                Map.of("kafka-3-hops", 2000.0, "rendezvous", 1000.0), 100);

        List<String> lines = TargetVerdicts.of(1000, List.of(), capacity);

        assertThat(lines.get(0)).isEqualTo("- **not met**: sustained ≥ 3,000 req/s with p99 < 50 ms and zero unanswered"
                + " (no step met it; three Kafka hops alone: highest such step 2000 req/s, so out of reach on this machine)");
    }

    @Test
    void makesNoClaimAboutTheFloorAtRatesTheSearchNeverTried() {
        Map<String, LoadResult> at500 = new LinkedHashMap<>();
        at500.put("kafka-3-hops", result("kafka-3-hops", 500, 2, 20));
        at500.put("rendezvous", result("rendezvous", 500, 8, 30));
        Map<String, LoadResult> at1000 = new LinkedHashMap<>();
        at1000.put("kafka-3-hops", result("kafka-3-hops", 1000, 3, 25));
        at1000.put("rendezvous", result("rendezvous", 1000, 10, 45));
        CapacitySearch.Result quick = new CapacitySearch.Result(List.of(
                new CapacitySearch.Step(500, at500, Map.of("kafka-3-hops", true, "rendezvous", true)),
                new CapacitySearch.Step(1000, at1000, Map.of("kafka-3-hops", true, "rendezvous", true))),
                Map.of("kafka-3-hops", 1000.0, "rendezvous", 1000.0), 100);

        List<String> lines = TargetVerdicts.of(1000, List.of(), quick);

        assertThat(lines.get(0)).isEqualTo("- **not met**: sustained ≥ 3,000 req/s with p99 < 50 ms and zero unanswered"
                + " (highest such step 1000 req/s; three Kafka hops alone: highest such step 1000 req/s)");
    }

    private static LoadResult result(String target, double rate, double p50Millis, double p99Millis) {
        Histogram latencies = new Histogram(60_000_000L, 3);
        // 98 % at the median value and the slowest 2 % at the p99 value: both percentiles land on the values given.
        latencies.recordValueWithCount((long) (p50Millis * 1000), 98);
        latencies.recordValueWithCount((long) (p99Millis * 1000), 2);
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        outcomes.put(Outcome.ANSWERED, (long) rate);
        return new LoadResult(target, rate, 1_000_000_000L, latencies, outcomes, 0, 0, 1);
    }
}
