package dev.rendezvous.replay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.model.api.manifest.ManifestException;
import dev.rendezvous.replay.ReplayRunner;
import dev.rendezvous.replay.ReplaySettings;
import dev.rendezvous.replay.scoring.ReplayBatching;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code replay} command: runs a snapshot's exact inputs through a model offline and reports agreement. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay an archive snapshot's exact inputs through a model manifest, offline (no Kafka), and compare with what was "
                + "served or with another model. Writes report.json and report.html to --out."})
public class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--snapshot", required = true, paramLabel = "<id>", description = "the snapshot id (archive snapshot list)")
    String snapshotId;
    @Option(names = "--app", description = "the snapshot's application (default: found from the id)")
    String app;
    @Option(names = "--dir", defaultValue = "data/archive", description = "the archive directory (default: ${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--model", required = true, paramLabel = "<manifest>", description = "the model manifest (YAML) to replay")
    Path model;
    @Option(names = "--against", defaultValue = "served", paramLabel = "served|<manifest>",
            description = "compare with what was served (default) or with another model manifest")
    String against;
    @Option(names = "--out", required = true, description = "where report.json and report.html go (created if missing; overwritten)")
    Path out;
    @Option(names = "--positive-label", defaultValue = ReplaySettings.DEFAULT_POSITIVE_LABEL,
            description = "the label whose probability is the score (default: ${DEFAULT-VALUE})")
    String positiveLabel;
    @Option(names = "--epsilon", defaultValue = "1e-6", description = "scores closer than this agree when there are no labels (default: ${DEFAULT-VALUE})")
    double epsilon;
    @Option(names = "--top", defaultValue = "20", description = "how many largest changes to list (default: ${DEFAULT-VALUE})")
    int top;
    @Option(names = "--buckets", defaultValue = "24", description = "time buckets for agreement over time (default: ${DEFAULT-VALUE})")
    int buckets;
    @Option(names = "--threads", description = "scoring threads (default: the available processors)")
    Integer threads;
    @Option(names = "--batching", defaultValue = "single", paramLabel = "single|as-served",
            description = "single: every request in a model call of its own (default); as-served: requests that shared a call when served "
                    + "(same batchId in the model's archived scores) share one again")
    String batching;

    /** For the launcher: {@code new CommandLine(new ReplayCommand())} or {@code addSubcommand("replay", new ReplayCommand())}. */
    public ReplayCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            ReplaySettings settings = new ReplaySettings(dir, app, snapshotId, model,
                    "served".equals(against) ? null : Path.of(against), out, positiveLabel, epsilon, top, buckets,
                    threads != null ? threads : Runtime.getRuntime().availableProcessors(), ReplayBatching.parse(batching));
            ReplayRunner.Result result = ReplayRunner.run(settings, System.err);
            print(spec.commandLine().getOut(), result);
            return 0;
        } catch (IOException | IllegalArgumentException | ManifestException e) {
            // Expected problems (missing snapshot, changed segment, bad manifest): one line, no stack trace.
            err.println("replay: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private static void print(PrintWriter out, ReplayRunner.Result result) {
        JsonNode report = result.report();
        JsonNode counts = report.get("counts");
        out.println(String.format(Locale.ROOT, "replayed %d inputs of snapshot %s with %s@%s against %s in %d ms (%d records/s)",
                counts.get("inputs").asLong(), report.at("/snapshot/id").asText(), report.at("/model/name").asText(),
                report.at("/model/version").asText(), report.at("/against/kind").asText().equals("served") ? "served"
                        : report.at("/against/name").asText() + "@" + report.at("/against/version").asText(),
                report.at("/generated/elapsedMs").asLong(), report.at("/generated/recordsPerSecond").asLong()));
        out.println(String.format(Locale.ROOT, "agreement %s (%d of %d compared), error rate %s, baseline missing %d",
                rate(report.get("agreementRate")), counts.get("agreed").asLong(), counts.get("compared").asLong(),
                rate(report.get("errorRate")), counts.get("baselineMissing").asLong()));
        out.println("report: " + result.reportJson() + " and " + result.reportHtml());
        out.flush();
    }

    private static String rate(JsonNode rate) {
        return rate == null || rate.isNull() ? "n/a" : String.format(Locale.ROOT, "%.3f %%", rate.asDouble() * 100);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplayCommand()).execute(args));
    }
}
