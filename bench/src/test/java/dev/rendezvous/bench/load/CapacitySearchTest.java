package dev.rendezvous.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CapacitySearchTest {
    private final CapacitySearch search = new CapacitySearch(new InterleavedRun(new LoadGenerator(10, Duration.ofSeconds(1))), 100, Duration.ZERO);

    @ParameterizedTest(name = "p99 {0} ms, {1} shed, {2} unanswered, {3} of 1000 answered -> {4}")
    @CsvSource({
            "20, 0, 0, 1000, true",
            "99, 0, 0, 1000, true",
            "101, 0, 0, 1000, false",
            "20, 1, 0, 999, false",
            "20, 0, 1, 999, false",
            "20, 0, 0, 900, false"})
    void passesAStepOnlyWithinTheDeadlineWithEveryRequestAnsweredAtTheOfferedRate(long p99Ms, long shed, long unanswered, long answered,
                                                                                 boolean passes) {
        Histogram latencies = new Histogram(60_000_000L, 3);
        latencies.recordValueWithCount(p99Ms * 1000, 1000);
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        outcomes.put(Outcome.ANSWERED, answered);
        outcomes.put(Outcome.SHED, shed);
        LoadResult result = new LoadResult("t", 1000, 1_000_000_000L, latencies, outcomes, unanswered, 0, 1);

        assertThat(search.passes(result, 1000)).isEqualTo(passes);
    }

    @Test
    void stopsRaisingATargetsRateAfterItsFirstFailedStep() {
        LoadTarget failing = new LoadTarget() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public CompletionStage<Integer> send(long sequence) {
                return CompletableFuture.completedFuture(sequence > 30 ? 503 : 200);
            }
        };

        // A deadline no scheduling hiccup reaches: this is about the step logic, not about latency.
        CapacitySearch patient = new CapacitySearch(new InterleavedRun(new LoadGenerator(10, Duration.ofSeconds(1))), 60_000, Duration.ZERO);

        CapacitySearch.Result result = patient.search(List.of(failing), List.of(100.0, 200.0, 300.0), Duration.ofMillis(200), 1);

        assertThat(result.steps()).extracting(CapacitySearch.Step::rate).containsExactly(100.0, 200.0);
        assertThat(result.capacity()).containsEntry("failing", 100.0);
    }
}
