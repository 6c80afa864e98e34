package dev.rendezvous.bench.report;

import dev.rendezvous.bench.ablation.AblationResult;
import dev.rendezvous.bench.load.CapacitySearch;
import dev.rendezvous.bench.load.LoadResult;
import dev.rendezvous.bench.load.Outcome;
import dev.rendezvous.bench.measure.HopProfile;
import dev.rendezvous.bench.measure.ReplayThroughput;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link BenchReport} as Markdown tables: the side-by-side comparison, the capacity steps and the extras. */
public final class ResultTable {
    private static final String HEADER = "| target | offered req/s | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms "
            + "| answered | 504 timeout | 503 shed | errors | dropped by client | unanswered | CPU cores | CPU ms / request |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";

    private ResultTable() {
    }

    private static final String PLATFORM_CPU_HEADER = " platform process CPU ms / request |";

    /**
     * The comparison table alone, as printed at the end of a run; with the platform in a process of its
     * own, one more column: that process's share of the CPU per request.
     */
    public static String comparison(List<LoadResult> results) {
        boolean split = results.stream().anyMatch(r -> r.platformCpuNanos() >= 0);
        StringBuilder out = new StringBuilder(split ? withPlatformCpuColumn(HEADER) : HEADER);
        results.forEach(r -> out.append(split ? withPlatformCpu(row(r.target(), r), r) : row(r.target(), r)));
        return out.toString();
    }

    private static String withPlatformCpuColumn(String header) {
        String[] lines = header.split("\n");
        return lines[0] + PLATFORM_CPU_HEADER + "\n" + lines[1] + "---:|\n";
    }

    private static String withPlatformCpu(String row, LoadResult r) {
        return row.substring(0, row.length() - 1) + " " + num(r.platformCpuMillisPerRequest()) + " |\n";
    }

    /**
     * The ablation side by side: per step, the rendezvous path, what it cost more than the step before,
     * and three bare Kafka hops measured interleaved with it on the same broker.
     */
    public static String ablation(List<AblationResult> steps) {
        boolean split = steps.stream().anyMatch(s -> s.rendezvous().platformCpuNanos() >= 0);
        StringBuilder out = new StringBuilder("| step | adds | rendezvous p50 ms | p99 ms | CPU ms / request | Δ CPU ms vs previous step |"
                + (split ? " of which the platform process |" : "")
                + " answered / sent | 503 shed | 504, errors, dropped or unanswered | kafka 3 hops p50 ms | p99 ms | CPU ms / request | start-up ms |\n"
                + "|---|---|---:|---:|---:|---:|" + (split ? "---:|" : "") + "---:|---:|---:|---:|---:|---:|---:|\n");
        double previousCpu = Double.NaN;
        for (AblationResult step : steps) {
            LoadResult r = step.rendezvous();
            LoadResult f = step.floor();
            long sent = r.outcomes().values().stream().mapToLong(Long::longValue).sum() + r.unanswered();
            out.append("| ").append(step.step().name()).append(" | ").append(step.step().adds()).append(" | ")
                    .append(num(r.percentileMillis(50))).append(" | ").append(num(r.percentileMillis(99))).append(" | ")
                    .append(num(r.cpuMillisPerRequest())).append(" | ").append(Double.isNaN(previousCpu) ? "–" : signed(r.cpuMillisPerRequest() - previousCpu))
                    .append(" | ");
            if (split) {
                out.append(num(r.platformCpuMillisPerRequest())).append(" | ");
            }
            out.append(r.count(Outcome.ANSWERED)).append(" / ").append(sent).append(" | ").append(r.count(Outcome.SHED)).append(" | ")
                    .append(r.count(Outcome.FAILED) + r.count(Outcome.TIMED_OUT) + r.count(Outcome.DROPPED_BY_CLIENT) + r.unanswered()).append(" | ")
                    .append(num(f.percentileMillis(50))).append(" | ").append(num(f.percentileMillis(99))).append(" | ")
                    .append(num(f.cpuMillisPerRequest())).append(" | ").append(step.startMillis()).append(" |\n");
            previousCpu = r.cpuMillisPerRequest();
        }
        return out.toString();
    }

    private static String signed(double value) {
        return Double.isNaN(value) ? "–" : (value >= 0 ? "+" : "−") + num(Math.abs(value));
    }

    public static String capacity(CapacitySearch.Result capacity) {
        StringBuilder out = new StringBuilder(HEADER.replace("| target |", "| target | step |").replace("|---|", "|---|---|"));
        for (CapacitySearch.Step step : capacity.steps()) {
            step.results().forEach((target, result) -> out.append(row(target + " | " + (step.passed().get(target) ? "pass" : "**fail**"), result)));
        }
        out.append("\nHighest sustained rate (p99 ≤ ").append(num(capacity.deadlineMs())).append(" ms, every request answered 200, ≥ 95 % of the offered rate achieved):");
        capacity.capacity().forEach((target, rate) -> out.append(" **").append(target).append("** ").append(rate > 0 ? num(rate) + " req/s" : "below the first step").append(";"));
        out.setLength(out.length() - 1);
        return out.append(".\n").toString();
    }

    public static String profile(List<HopProfile.Component> components) {
        StringBuilder out = new StringBuilder("| component | requests | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        for (HopProfile.Component c : components) {
            out.append("| ").append(c.name()).append(" | ").append(c.count()).append(" | ").append(num(c.p50Ms())).append(" | ")
                    .append(num(c.p90Ms())).append(" | ").append(num(c.p99Ms())).append(" | ").append(num(c.maxMs())).append(" |\n");
        }
        return out.toString();
    }

    /**
     * The busiest thread groups per target, as cores, and the share of time the JVM spent collecting
     * garbage; Vert.x event loops of client, gateway and direct server share one name. The first entry
     * of each target's map is the GC share ({@link dev.rendezvous.bench.load.InterleavedRun#GC_GROUP}).
     */
    public static String threadCpu(Map<String, Map<String, Double>> coresByTarget, int top) {
        StringBuilder out = new StringBuilder("| while measuring | busiest thread groups of the process (cores) | GC (share of wall time) |\n|---|---|---:|\n");
        coresByTarget.forEach((target, groups) -> {
            out.append("| ").append(target).append(" | ");
            groups.entrySet().stream().skip(1).limit(top).forEach(e -> out.append('`').append(e.getKey().replace("|", "/")).append("` ")
                    .append(String.format(Locale.ROOT, "%.2f", e.getValue())).append("; "));
            double threads = groups.values().stream().skip(1).mapToDouble(Double::doubleValue).sum();
            double gcShare = groups.values().stream().findFirst().orElse(0.0);
            out.append(String.format(Locale.ROOT, "threads total %.2f | %.1f %% |%n", threads, 100 * gcShare));
        });
        return out.toString();
    }

    public static String extras(BenchReport report) {
        StringBuilder out = new StringBuilder("| measurement | value |\n|---|---|\n");
        if ("process".equals(report.platformMode())) {
            out.append("| platform start-up (`java -jar deploy/target/rendezvous.jar up` until `/health/ready` answers 200: JVM, broker, "
                    + "services; demo models already trained) | ").append(report.startupMillis()).append(" ms |\n");
            out.append("| platform process RSS once ready (its own JVM: broker and platform) | ").append(mib(report.rssAfterBytes())).append(" |\n");
        } else {
            out.append("| platform start-up (`Platform.start`, broker already up, demo models already trained) | ")
                    .append(report.startupMillis()).append(" ms |\n");
            out.append("| process RSS before / after the platform started (one JVM: broker, Kafka floor, direct server, platform) | ")
                    .append(mib(report.rssBeforeBytes())).append(" / ").append(mib(report.rssAfterBytes())).append(" (+")
                    .append(mib(report.rssAfterBytes() - report.rssBeforeBytes())).append(") |\n");
        }
        out.append("| request record size on Kafka (Kafka floor records are the same size) | ").append(report.recordBytes()).append(" B |\n");
        Map<Integer, Double> batching = report.batching();
        if (!batching.isEmpty()) {
            batching.forEach((size, rate) -> out.append("| BatchScorer throughput, fraud-fm@1, one thread, batch ").append(size)
                    .append(" | ").append(num(rate)).append(" records/s |\n"));
            if (batching.size() >= 2) {
                List<Double> rates = List.copyOf(batching.values());
                out.append("| batching gain (largest batch ÷ batch 1) | ").append(num(rates.get(rates.size() - 1) / rates.get(0))).append(" × |\n");
            }
        }
        if (report.archive() != null) {
            out.append("| archiver throughput: ").append(report.archive().records()).append(" decoy records backlog → NDJSON, fsync before commit | ")
                    .append(num(report.archive().recordsPerSecond())).append(" records/s |\n");
            out.append("| archive bytes on disk per decoy record (all files under the archive directory) | ")
                    .append(num(report.archive().bytesPerRecord())).append(" B |\n");
        }
        if (report.replay() != null) {
            ReplayThroughput.Result replay = report.replay();
            out.append("| replay throughput: ").append(replay.model()).append(" over the archived records (`ReplayRunner`, in-process, ")
                    .append(replay.threads()).append(" threads, against served; ").append(sealed(replay)).append(") | ")
                    .append(num(replay.recordsPerSecond())).append(" records/s (").append(replay.recordsReplayed()).append(" replayed, ")
                    .append(replay.failed()).append(" failed to score, ").append(num(replay.seconds())).append(" s) |\n");
        }
        return out.toString();
    }

    /** Whether the replay read the whole archive: only sealed segments are in a snapshot. */
    private static String sealed(ReplayThroughput.Result replay) {
        return replay.sealedSegments() + " sealed segments read" + (replay.openSegmentsLeftOut() == 0 ? ", none left open"
                : ", " + replay.openSegmentsLeftOut() + " open segments left out, not replayed");
    }

    private static String row(String label, LoadResult r) {
        return "| " + label + " | " + num(r.offeredRate()) + " | " + num(r.achievedRate()) + " | " + num(r.percentileMillis(50)) + " | "
                + num(r.percentileMillis(90)) + " | " + num(r.percentileMillis(99)) + " | " + num(r.percentileMillis(99.9)) + " | "
                + num(r.maxMillis()) + " | " + r.count(Outcome.ANSWERED) + " | " + r.count(Outcome.TIMED_OUT) + " | "
                + r.count(Outcome.SHED) + " | " + r.count(Outcome.FAILED) + " | " + r.count(Outcome.DROPPED_BY_CLIENT) + " | "
                + r.unanswered() + " | " + String.format(Locale.ROOT, "%.2f", r.cpuCores()) + " | " + num(r.cpuMillisPerRequest()) + " |\n";
    }

    /** Three significant figures at most, enough for latencies in ms and rates. */
    static String num(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1024.0 / 1024.0);
    }
}
