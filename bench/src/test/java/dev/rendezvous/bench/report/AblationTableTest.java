package dev.rendezvous.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.bench.ablation.AblationResult;
import dev.rendezvous.bench.ablation.AblationStep;
import dev.rendezvous.bench.load.LoadResult;
import dev.rendezvous.bench.load.Outcome;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class AblationTableTest {

    @Test
    void showsEachStepsCpuDifferenceFromTheStepBeforeAndThePlatformProcessShareWhenMeasured() {
        List<AblationResult> steps = List.of(
                step("1 model", 100, 2_000_000_000L, 1_500_000_000L, 0),
                step("+2 models", 100, 3_000_000_000L, 2_500_000_000L, 0),
                step("+batching", 100, 2_500_000_000L, 2_000_000_000L, 7));

        String table = ResultTable.ablation(steps);

        assertThat(table).contains("| of which the platform process |");
        // 2,000 ms of CPU over 1,000 answered = 2.00 ms each; then 3.00 (+1.00), then 2,500 ms over 993 answered (7 shed).
        assertThat(table).contains("| 1 model | adds 1 model | 5.00 | 5.00 | 2.00 | – | 1.50 | 1000 / 1000 | 0 | 0 |");
        assertThat(table).contains("| +2 models | adds +2 models | 5.00 | 5.00 | 3.00 | +1.00 | 2.50 | 1000 / 1000 | 0 | 0 |");
        assertThat(table).contains("| +batching | adds +batching | 5.00 | 5.00 | 2.52 | −0.48 | 2.01 | 993 / 1000 | 7 | 0 |");
    }

    @Test
    void leavesThePlatformProcessColumnOutWhenThePlatformSharedTheBenchsProcess() {
        assertThat(ResultTable.ablation(List.of(step("1 model", 100, 2_000_000_000L, -1, 0)))).doesNotContain("platform process");
    }

    private static AblationResult step(String name, double rate, long cpuNanos, long platformCpuNanos, long shed) {
        Histogram latencies = new Histogram(60_000_000L, 3);
        latencies.recordValueWithCount(5_000, 1_000 - shed);
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        outcomes.put(Outcome.ANSWERED, 1_000 - shed);
        outcomes.put(Outcome.SHED, shed);
        LoadResult path = new LoadResult("rendezvous", rate, 10_000_000_000L, latencies, outcomes, 0, cpuNanos, 10_000_000_000L, platformCpuNanos);
        LoadResult floor = new LoadResult("kafka-3-hops", rate, 10_000_000_000L, latencies, outcomes, 0, cpuNanos, 10_000_000_000L, platformCpuNanos);
        return new AblationResult(new AblationStep(name, "adds " + name, List.of("gateway"), List.of()), 1234, floor, path);
    }
}
