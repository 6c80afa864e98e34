package dev.rendezvous.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How one benchmark run is shaped.
 *
 * @param rate               the comparison's arrival rate, requests per second, for every target
 * @param segment            length of one interleaved segment
 * @param rounds             segments per target in the comparison (measured time per target = rounds × segment)
 * @param warmUp             unmeasured load per target before the comparison
 * @param maxOutstanding     requests in flight per target beyond which the client drops (and counts) a request
 * @param drainTimeout       how long a segment waits for its outstanding answers before counting them unanswered
 * @param capacityRates      the capacity search's steps; empty to skip it
 * @param capacitySegment    segment length at each capacity step
 * @param capacityRounds     segments per target at each capacity step
 * @param deadlineMs         the p99 bound of the capacity search (the default policy's deadline)
 * @param batchingDuration   measurement time per batch size of the batching gain; zero to skip
 * @param archiveRecords     records for the archive throughput, then replayed for the replay throughput; zero to skip both
 * @param outDir             where the JSON and Markdown results go
 * @param docFile            the docs/performance.md to update, or null
 * @param targets            the targets to measure by name ({@code kafka-1-hop}, {@code kafka-3-hops}, {@code direct},
 *                           {@code rendezvous}); empty for all of them
 */
public record BenchOptions(double rate, Duration segment, int rounds, Duration warmUp, int maxOutstanding, Duration drainTimeout,
                           List<Double> capacityRates, Duration capacitySegment, int capacityRounds, double deadlineMs,
                           Duration batchingDuration, int archiveRecords, Path outDir, Path docFile, List<String> targets) {

    public BenchOptions {
        if (rate <= 0 || rounds < 1 || maxOutstanding < 1 || capacityRounds < 1) {
            throw new IllegalArgumentException("rate, rounds, max outstanding and capacity rounds must be positive");
        }
        capacityRates = List.copyOf(capacityRates);
        targets = List.copyOf(targets);
    }

    /** All targets. */
    public BenchOptions(double rate, Duration segment, int rounds, Duration warmUp, int maxOutstanding, Duration drainTimeout,
                        List<Double> capacityRates, Duration capacitySegment, int capacityRounds, double deadlineMs,
                        Duration batchingDuration, int archiveRecords, Path outDir, Path docFile) {
        this(rate, segment, rounds, warmUp, maxOutstanding, drainTimeout, capacityRates, capacitySegment, capacityRounds, deadlineMs,
                batchingDuration, archiveRecords, outDir, docFile, List.of());
    }

    /** Whether the named target is measured in this run. */
    public boolean measures(String target) {
        return targets.isEmpty() || targets.contains(target);
    }

    /** One line for the report, so that a reader knows the run's shape without the command's defaults. */
    public String describe() {
        return String.format(Locale.ROOT, "comparison %.0f req/s, %d rounds × %d ms segments per target after %d ms warm-up; "
                        + "max outstanding %d; capacity steps %s req/s, %d × %d ms per target per step, p99 bound %.0f ms; "
                        + "batching %d ms per size; archive and replay %d records%s", rate, rounds, segment.toMillis(), warmUp.toMillis(),
                maxOutstanding, capacityRates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(), capacityRounds,
                capacitySegment.toMillis(), deadlineMs, batchingDuration.toMillis(), archiveRecords,
                targets.isEmpty() ? "" : "; targets " + targets);
    }
}
