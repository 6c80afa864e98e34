package dev.rendezvous.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archive.format.snapshot.SnapshotReader;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.replay.answer.AnswerReader;
import dev.rendezvous.replay.compare.AgreementRule;
import dev.rendezvous.replay.compare.Baseline;
import dev.rendezvous.replay.compare.Comparison;
import dev.rendezvous.replay.compare.ComparisonResult;
import dev.rendezvous.replay.input.ServedAnswers;
import dev.rendezvous.replay.input.ServedBatches;
import dev.rendezvous.replay.input.SnapshotScan;
import dev.rendezvous.replay.progress.ProgressReporter;
import dev.rendezvous.replay.report.HtmlReport;
import dev.rendezvous.replay.report.ReplayDescription;
import dev.rendezvous.replay.report.ReportWriter;
import dev.rendezvous.replay.scoring.InputScorer;
import dev.rendezvous.replay.scoring.ReplayBatching;
import dev.rendezvous.replay.scoring.Replayed;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays a snapshot: reads its exact inputs (and, against served, its decisions), scores the inputs
 * offline with the runner's code for a manifest, compares, and writes {@code report.json} and
 * {@code report.html} to the output directory. No Kafka involved.
 */
public final class ReplayRunner {
    public static final String REPORT_JSON = "report.json";
    public static final String REPORT_HTML = "report.html";

    private ReplayRunner() {
    }

    /** What a replay produced. */
    public record Result(Path reportJson, Path reportHtml, ComparisonResult comparison, ObjectNode report) {
    }

    /**
     * @param progressOut where progress goes (a bar on a terminal, plain lines otherwise); null for none
     */
    public static Result run(ReplaySettings settings, PrintStream progressOut) throws IOException, InterruptedException {
        long start = System.nanoTime();
        SnapshotReader store = new SnapshotReader(settings.archiveDir());
        String app = settings.app() != null ? settings.app() : store.appOf(settings.snapshotId());
        Snapshot snapshot = store.show(app, settings.snapshotId());
        ModelManifest model = loadFor(snapshot, settings.model());
        ModelManifest against = settings.against() == null ? null : loadFor(snapshot, settings.against());
        long expected = SnapshotScan.expectedRecords(snapshot, "decoy");
        ProgressReporter progress = progressOut == null ? ProgressReporter.silent(expected)
                : ProgressReporter.onConsole(progressOut, "replay", expected);

        List<Replayed> replayed = new ArrayList<>();
        ServedAnswers served = null;
        Set<String> redactionVersions;
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), runnable -> {
            Thread thread = new Thread(runnable, "replay-worker");
            thread.setDaemon(true);
            return thread;
        });
        InputScorer.CallCounts callCounts;
        int servedCallsKnown = 0;
        try {
            // Twice the threads: the reader keeps every worker busy without holding the whole snapshot in memory.
            SnapshotScan scan = new SnapshotScan(pool, 2 * settings.threads());
            ServedBatches batches = ServedBatches.none();
            if (settings.batching() == ReplayBatching.AS_SERVED) {
                // Read first: a request's call must be known when its input is scored.
                batches = ServedBatches.merge(SnapshotScan.join(scan.submit(settings.archiveDir(), snapshot, "scores",
                        ServedBatches.processor(model.ref()))));
                servedCallsKnown = batches.size();
            }
            try (InputScorer scorer = new InputScorer(model, against, settings.positiveLabel(), progress, batches)) {
                scorer.checkLoads();
                List<Future<List<Replayed>>> inputUnits = scan.submit(settings.archiveDir(), snapshot, "decoy", scorer);
                List<Future<ServedAnswers.Unit>> servedUnits = against != null ? List.of()
                        : scan.submit(settings.archiveDir(), snapshot, "results",
                                ServedAnswers.processor(new AnswerReader(model.output(), settings.positiveLabel())));
                SnapshotScan.join(inputUnits).forEach(replayed::addAll);
                if (against == null) {
                    served = ServedAnswers.merge(SnapshotScan.join(servedUnits));
                }
                List<Replayed> complete = new ArrayList<>(scorer.scoreServedCalls(replayed));
                replayed.clear();
                replayed.addAll(complete);
                callCounts = scorer.callCounts();
                redactionVersions = scorer.redactionVersions();
            }
        } finally {
            pool.shutdownNow();
        }
        progress.finish();
        Baseline baseline = against == null ? new Baseline.Served(served) : new Baseline.OtherModel(against.ref().toString());
        ComparisonResult result = new Comparison(new AgreementRule(settings.epsilon()), settings.largestChanges(), settings.timeBuckets())
                .compare(replayed, baseline);

        ReplayDescription description = new ReplayDescription(settings.snapshotId(), snapshot, model, against, served, settings.positiveLabel(),
                settings.epsilon());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        ObjectNode report = ReportWriter.toJson(description, result, new ReportWriter.Generated(Instant.now(), elapsedMs, settings.threads()));
        ObjectNode batching = report.putObject("batching");
        batching.put("mode", settings.batching().option());
        // As served: how many requests the replayed model's archived scores place in a call (0 in single mode).
        batching.put("requestsWithRecordedCall", servedCallsKnown);
        batching.put("requestsInSharedCalls", callCounts.requestsInServedCalls());
        batching.put("sharedCalls", callCounts.servedCalls());
        batching.put("modelCalls", callCounts.modelCalls());
        if (result.counts().notReproducible() > 0) {
            ObjectNode redaction = report.putObject("redaction");
            redaction.put("notReproducible", result.counts().notReproducible());
            redactionVersions.stream().sorted().forEach(redaction.putArray("versions")::add);
            redaction.put("meaning", "the decoy dropped, hashed or truncated features of these inputs before the archive (rdv-redaction header): "
                    + "the archived copy is not what the models scored, so they were not replayed and are not in any agreement figure");
            if (progressOut != null) {
                progressOut.println("replay: " + result.counts().notReproducible() + " of " + result.counts().inputs()
                        + " inputs were redacted before the archive (redaction " + String.join(", ", redactionVersions)
                        + ") and cannot be reproduced; they are counted as notReproducible and left out of the comparison");
            }
        }
        Files.createDirectories(settings.outDir());
        Path json = settings.outDir().resolve(REPORT_JSON);
        Path html = settings.outDir().resolve(REPORT_HTML);
        ReportWriter.write(json, report);
        HtmlReport.write(html, report, result);
        return new Result(json, html, result, report);
    }

    private static ModelManifest loadFor(Snapshot snapshot, Path manifestFile) {
        ModelManifest manifest = ModelManifest.load(manifestFile);
        if (!manifest.app().equals(snapshot.app())) {
            throw new IllegalArgumentException("manifest " + manifestFile + " is for app '" + manifest.app() + "' but the snapshot is of app '"
                    + snapshot.app() + "'; expected a model of the snapshot's application");
        }
        return manifest;
    }
}
