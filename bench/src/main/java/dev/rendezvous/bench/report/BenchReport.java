package dev.rendezvous.bench.report;

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
 * @param comparison       the targets side by side at {@code comparisonRate}, in target order
 * @param startupMillis    wall time of {@code Platform.start} (broker running, models trained)
 * @param rssBeforeBytes   process RSS before the platform started (broker, Kafka floor clients, JIT)
 * @param rssAfterBytes    process RSS once the platform had started
 * @param batching         records per second through BatchScorer by batch size; empty when skipped
 * @param archive          archiver throughput; null when skipped
 * @param replay           replay throughput over the archive's records; null when the archive was skipped
 * @param recordBytes      average size of a request record on Kafka
 * @param threadCpuCores   per comparison target, cores used by each thread group while that target was measured
 */
public record BenchReport(Instant startedAt, MachineInfo machine, String loadAverageAtEnd, String command, String settings,
                          double comparisonRate, List<LoadResult> comparison, Map<String, Map<String, Double>> threadCpuCores,
                          List<HopProfile.Component> profile,
                          CapacitySearch.Result capacity, long startupMillis, long rssBeforeBytes, long rssAfterBytes,
                          Map<Integer, Double> batching, ArchiveThroughput.Result archive,
                          ReplayThroughput.Result replay, int recordBytes, double runSeconds) {
}
