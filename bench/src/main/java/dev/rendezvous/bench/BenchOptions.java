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
 * @param platform           where the platform runs: inside the bench's JVM on the bench's broker, or as its own
 *                           process started with the README's command (its broker inside it)
 * @param ablation           run the ablation instead of the comparison: the platform restarted per step, each
 *                           step's rendezvous path beside three Kafka hops at {@code rate}
 * @param platformJar        the launcher jar of the process mode; null for {@code deploy/target/rendezvous.jar}
 */
public record BenchOptions(double rate, Duration segment, int rounds, Duration warmUp, int maxOutstanding, Duration drainTimeout,
                           List<Double> capacityRates, Duration capacitySegment, int capacityRounds, double deadlineMs,
                           Duration batchingDuration, int archiveRecords, Path outDir, Path docFile, List<String> targets,
                           PlatformMode platform, boolean ablation, Path platformJar) {

    /** Where the platform under test runs. */
    public enum PlatformMode {
        /** In the bench's JVM, on the broker the bench starts: one process, the CPU column the whole of it. */
        IN_JVM("in-jvm"),
        /** {@code java -jar deploy/target/rendezvous.jar up} in its own JVM, broker inside it, driven over HTTP. */
        PROCESS("process");

        private final String flag;

        PlatformMode(String flag) {
            this.flag = flag;
        }

        public String flag() {
            return flag;
        }

        /** Reads {@code in-jvm} or {@code process}. */
        public static PlatformMode parse(String text) {
            for (PlatformMode mode : values()) {
                if (mode.flag.equalsIgnoreCase(text.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("--platform: '" + text + "'; expected in-jvm or process");
        }
    }

    public BenchOptions {
        if (rate <= 0 || rounds < 1 || maxOutstanding < 1 || capacityRounds < 1) {
            throw new IllegalArgumentException("rate, rounds, max outstanding and capacity rounds must be positive");
        }
        capacityRates = List.copyOf(capacityRates);
        targets = List.copyOf(targets);
        platform = platform == null ? PlatformMode.IN_JVM : platform;
    }

    /** The platform in the bench's JVM, no ablation. */
    public BenchOptions(double rate, Duration segment, int rounds, Duration warmUp, int maxOutstanding, Duration drainTimeout,
                        List<Double> capacityRates, Duration capacitySegment, int capacityRounds, double deadlineMs,
                        Duration batchingDuration, int archiveRecords, Path outDir, Path docFile, List<String> targets) {
        this(rate, segment, rounds, warmUp, maxOutstanding, drainTimeout, capacityRates, capacitySegment, capacityRounds, deadlineMs,
                batchingDuration, archiveRecords, outDir, docFile, targets, PlatformMode.IN_JVM, false, null);
    }

    /** The same run with the platform in {@code mode}, as an ablation or not. */
    public BenchOptions withPlatform(PlatformMode mode, boolean asAblation, Path jar) {
        return new BenchOptions(rate, segment, rounds, warmUp, maxOutstanding, drainTimeout, capacityRates, capacitySegment, capacityRounds,
                deadlineMs, batchingDuration, archiveRecords, outDir, docFile, targets, mode, asAblation, jar);
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
        if (ablation) {
            return String.format(Locale.ROOT, "ablation, platform %s: per step %.0f req/s, %d rounds × %d ms segments per target after %d ms "
                    + "warm-up; max outstanding %d", platform.flag(), rate, rounds, segment.toMillis(), warmUp.toMillis(), maxOutstanding);
        }
        return "platform " + platform.flag() + "; " + String.format(Locale.ROOT, "comparison %.0f req/s, %d rounds × %d ms segments per target after %d ms warm-up; "
                        + "max outstanding %d; capacity steps %s req/s, %d × %d ms per target per step, p99 bound %.0f ms; "
                        + "batching %d ms per size; archive and replay %d records%s", rate, rounds, segment.toMillis(), warmUp.toMillis(),
                maxOutstanding, capacityRates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(), capacityRounds,
                capacitySegment.toMillis(), deadlineMs, batchingDuration.toMillis(), archiveRecords,
                targets.isEmpty() ? "" : "; targets " + targets);
    }
}
