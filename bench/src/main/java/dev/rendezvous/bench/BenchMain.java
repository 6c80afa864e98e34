package dev.rendezvous.bench;

import dev.rendezvous.bench.report.BenchReport;
import dev.rendezvous.bench.report.PerformanceDoc;
import dev.rendezvous.bench.report.ReportJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmark's command line: {@code bench full} for the documented run, {@code bench run} with flags for anything else. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchMain.Full.class, BenchMain.Run.class, BenchMain.ArchiveSql.class},
        description = "Rendezvous path vs direct path vs Kafka floor, side by side on one embedded broker: the platform in the bench's "
                + "JVM, or with --platform process in its own, started as the README says.")
public final class BenchMain implements Runnable {
    static final String JAR_COMMAND = "java -jar bench/target/rendezvous-bench.jar";

    public static void main(String[] args) {
        int exit = new CommandLine(new BenchMain()).execute(args);
        // Kafka and Vert.x leave non-daemon threads behind on some error paths; the run is over either way.
        System.exit(exit);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Where results go unless told: under bench/target when run from the repository root. */
    static Path defaultOutDir() {
        return Files.isDirectory(Path.of("bench", "target")) ? Path.of("bench", "target", "bench-results") : Path.of("bench-results");
    }

    static int execute(BenchOptions options, String command) throws Exception {
        BenchReport report = new BenchRun(options, command).run();
        Files.createDirectories(options.outDir());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(report.startedAt());
        String markdown = PerformanceDoc.section(report);
        // An ablation keeps its own files: rerunning it leaves the comparison's latest.json alone.
        List<String> names = report.isAblation() ? List.of("ablation-" + stamp, "ablation-latest") : List.of("bench-" + stamp, "latest");
        for (String name : names) {
            ReportJson.write(report, options.outDir().resolve(name + ".json"));
            Files.writeString(options.outDir().resolve(name + ".md"), markdown);
        }
        if (options.docFile() != null) {
            PerformanceDoc.update(options.docFile(), report);
        }
        System.out.println();
        System.out.println(markdown);
        System.out.println("results: " + options.outDir().toAbsolutePath().resolve(names.get(1) + ".json")
                + (options.docFile() != null ? ", " + options.docFile() + " updated" : ""));
        return 0;
    }

    /** SQL over the archive and the Parquet export (docs/performance.md, "Archive SQL and Parquet"). */
    @Command(name = "archive-sql", mixinStandardHelpOptions = true,
            description = "Write an archive of --requests requests (no Kafka), then time SQL over its snapshot and its NDJSON and Parquet exports.")
    static final class ArchiveSql implements Callable<Integer> {
        @Option(names = "--requests", defaultValue = "1000000", description = "Requests archived (5 records each; default: ${DEFAULT-VALUE}).")
        int requests;
        @Option(names = "--repeats", defaultValue = "3", description = "Runs of each query; best and median are reported (default: ${DEFAULT-VALUE}).")
        int repeats;
        @Option(names = "--dir", required = true, description = "A new or empty directory for the archive and the exports (about 2.4 GB at 1M requests).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            var result = dev.rendezvous.bench.measure.ArchiveSqlMeasurement.measure(dir, requests, Math.max(1, repeats));
            String command = JAR_COMMAND + " archive-sql --requests " + requests + " --dir " + dir;
            String markdown = dev.rendezvous.bench.measure.ArchiveSqlMeasurement.markdown(result, command);
            Files.createDirectories(defaultOutDir());
            Files.writeString(defaultOutDir().resolve("archive-sql.md"), markdown);
            dev.rendezvous.protocol.JsonCodec.mapper().writerWithDefaultPrettyPrinter()
                    .writeValue(defaultOutDir().resolve("archive-sql.json").toFile(), result);
            System.out.println(markdown);
            System.out.println("results: " + defaultOutDir().toAbsolutePath().resolve("archive-sql.json"));
            return 0;
        }
    }

    /** The documented full run: the numbers in docs/performance.md come from this. */
    @Command(name = "full", mixinStandardHelpOptions = true, description = "The full benchmark (5-8 minutes); updates docs/performance.md when run from the repository root.")
    static final class Full implements Callable<Integer> {
        @Option(names = "--out", description = "Directory for the JSON and Markdown results (default: bench/target/bench-results).")
        Path out;

        @Option(names = "--doc", description = "The performance document to update (default: docs/performance.md when it is there).")
        Path doc;

        @CommandLine.Mixin
        PlatformFlags platform = new PlatformFlags();

        @Override
        public Integer call() throws Exception {
            Path docFile = doc != null ? doc : Files.isDirectory(Path.of("docs")) ? Path.of("docs", "performance.md") : null;
            BenchOptions options = platform.apply(Presets.full(out != null ? out : defaultOutDir(), docFile), false);
            return execute(options, JAR_COMMAND + " full" + platform.describe());
        }
    }

    /** Where the platform runs, shared by {@code full} and {@code run}. */
    static final class PlatformFlags {
        @Option(names = "--platform", defaultValue = "in-jvm", paramLabel = "in-jvm|process",
                description = "in-jvm (default): the platform inside the bench's JVM on its broker; process: started as the README says "
                        + "(java -jar deploy/target/rendezvous.jar up) in its own JVM, broker inside it, driven over HTTP.")
        String mode = "in-jvm";
        @Option(names = "--platform-jar", description = "The launcher jar of --platform process (default: deploy/target/rendezvous.jar).")
        Path jar;

        BenchOptions apply(BenchOptions base, boolean ablation) {
            return base.withPlatform(BenchOptions.PlatformMode.parse(mode), ablation, jar);
        }

        String describe() {
            return "in-jvm".equals(mode) ? "" : " --platform " + mode;
        }
    }

    /** A run shaped by flags, starting from the full or the quick preset. */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "A benchmark shaped by flags (defaults: the full run's; --quick: a one-minute run).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--quick", description = "Start from the quick preset (~1 minute) instead of the full one.")
        boolean quick;
        @Option(names = "--rate", description = "Comparison rate, requests/s per target.")
        Double rate;
        @Option(names = "--segment-ms", description = "Length of one interleaved segment.")
        Long segmentMs;
        @Option(names = "--rounds", description = "Segments per target in the comparison.")
        Integer rounds;
        @Option(names = "--warmup-ms", description = "Unmeasured load per target first.")
        Long warmUpMs;
        @Option(names = "--max-outstanding", description = "Requests in flight per target beyond which the client drops (and counts) them.")
        Integer maxOutstanding;
        @Option(names = "--capacity-rates", split = ",", description = "Capacity search steps, req/s (e.g. 1000,2000,3000); 0 to skip.")
        List<Double> capacityRates;
        @Option(names = "--capacity-segment-ms", description = "Segment length at each capacity step.")
        Long capacitySegmentMs;
        @Option(names = "--capacity-rounds", description = "Segments per target at each capacity step.")
        Integer capacityRounds;
        @Option(names = "--deadline-ms", description = "The capacity search's p99 bound (default: the default policy's 100 ms).")
        Double deadlineMs;
        @Option(names = "--batching-ms", description = "Measurement time per batch size for the batching gain; 0 to skip.")
        Long batchingMs;
        @Option(names = "--archive-records", description = "Records for the archive throughput, then replayed for the replay throughput; 0 to skip both.")
        Integer archiveRecords;
        @Option(names = "--targets", split = ",", description = "Only these targets (kafka-1-hop, kafka-3-hops, direct, rendezvous); default: all.")
        List<String> targets;
        @Option(names = "--out", description = "Directory for the JSON and Markdown results.")
        Path out;
        @Option(names = "--doc", description = "A performance document to update between its bench markers.")
        Path doc;
        @Option(names = "--ablation", description = "Instead of the comparison: the ablation (1 model; +2 models; +decoy and archiver; "
                + "+batching canary = rendezvous up), the platform restarted per step, each step beside three Kafka hops at --rate.")
        boolean ablation;
        @CommandLine.Mixin
        PlatformFlags platform = new PlatformFlags();

        @Override
        public Integer call() throws Exception {
            Path outDir = out != null ? out : defaultOutDir();
            BenchOptions base = quick ? Presets.quick(outDir, doc) : Presets.full(outDir, doc);
            List<Double> steps = capacityRates == null ? base.capacityRates()
                    : capacityRates.stream().filter(r -> r > 0).toList();
            BenchOptions options = new BenchOptions(
                    rate != null ? rate : base.rate(),
                    segmentMs != null ? Duration.ofMillis(segmentMs) : base.segment(),
                    rounds != null ? rounds : base.rounds(),
                    warmUpMs != null ? Duration.ofMillis(warmUpMs) : base.warmUp(),
                    maxOutstanding != null ? maxOutstanding : base.maxOutstanding(),
                    base.drainTimeout(), steps,
                    capacitySegmentMs != null ? Duration.ofMillis(capacitySegmentMs) : base.capacitySegment(),
                    capacityRounds != null ? capacityRounds : base.capacityRounds(),
                    deadlineMs != null ? deadlineMs : base.deadlineMs(),
                    batchingMs != null ? Duration.ofMillis(batchingMs) : base.batchingDuration(),
                    archiveRecords != null ? archiveRecords : base.archiveRecords(),
                    outDir, doc, targets != null ? targets : List.of());
            options = platform.apply(options, ablation);
            return execute(options, JAR_COMMAND + " " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
    }
}
