package dev.rendezvous.bench.report;

import dev.rendezvous.bench.ablation.AblationResult;
import dev.rendezvous.bench.load.CapacitySearch;
import dev.rendezvous.bench.load.LoadResult;
import dev.rendezvous.bench.measure.ArchiveThroughput;
import dev.rendezvous.bench.measure.HopProfile;
import dev.rendezvous.bench.measure.MachineInfo;
import dev.rendezvous.bench.measure.ReplayThroughput;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run measured, with what it was run on and how.
 *
 * @param platformMode     where the platform ran: {@code in-jvm} or {@code process}
 * @param comparison       the targets side by side at {@code comparisonRate}, in target order; empty in an ablation run
 * @param startupMillis    wall time of {@code Platform.start} (broker running, models trained), or in the process mode
 *                         of the launcher command to ready
 * @param rssBeforeBytes   process RSS before the platform started (broker, Kafka floor clients, JIT); -1 in the process mode
 * @param rssAfterBytes    process RSS once the platform had started; in the process mode, the platform process's
 * @param batching         records per second through BatchScorer by batch size; empty when skipped
 * @param archive          archiver throughput; null when skipped
 * @param replay           replay throughput over the archive's records; null when the archive was skipped
 * @param recordBytes      average size of a request record on Kafka
 * @param threadCpuCores   per comparison target, cores used by each thread group of the bench's JVM while that target was measured
 * @param ablation         the ablation's steps in order; empty unless the run was an ablation
 */
public record BenchReport(Instant startedAt, MachineInfo machine, String loadAverageAtEnd, String command, String settings,
                          String platformMode, double comparisonRate, List<LoadResult> comparison,
                          Map<String, Map<String, Double>> threadCpuCores, List<HopProfile.Component> profile,
                          CapacitySearch.Result capacity, long startupMillis, long rssBeforeBytes, long rssAfterBytes,
                          Map<Integer, Double> batching, ArchiveThroughput.Result archive,
                          ReplayThroughput.Result replay, int recordBytes, double runSeconds, List<AblationResult> ablation) {

    public BenchReport {
        ablation = List.copyOf(ablation);
    }

    public boolean isAblation() {
        return !ablation.isEmpty();
    }
}
