package dev.rendezvous.replay.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.replay.compare.ComparisonResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Writes {@code report.json}. Everything but the {@code generated} member is a function of the
 * snapshot, the manifests and the settings, so two replays give byte-identical files apart from it.
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = JsonCodec.mapper();

    private ReportWriter() {
    }

    /** When and how fast the report was made: the only member that differs between identical replays. */
    public record Generated(Instant at, long elapsedMs, int threads) {
    }

    public static ObjectNode toJson(ReplayDescription description, ComparisonResult result, Generated generated) {
        ObjectNode report = JSON.createObjectNode();
        ObjectNode gen = report.putObject("generated");
        gen.put("at", generated.at().toString());
        gen.put("elapsedMs", generated.elapsedMs());
        gen.put("recordsPerSecond", generated.elapsedMs() == 0 ? null : Math.round(result.counts().inputs() * 1000.0 / generated.elapsedMs()));
        gen.put("threads", generated.threads());
        snapshot(report.putObject("snapshot"), description);
        model(report.putObject("model"), description.model());
        ObjectNode against = report.putObject("against");
        if (description.against() == null) {
            against.put("kind", "served");
            // Decisions are per request id; a reused id or a value that is not a decision is worth knowing about.
            against.put("decisions", description.served().size());
            against.put("undecodableDecisions", description.served().undecodable());
            against.put("duplicateDecisions", description.served().duplicates());
        } else {
            against.put("kind", "model");
            model(against, description.against());
        }
        ObjectNode agreement = report.putObject("agreement");
        agreement.put("rule", description.agreementRule());
        agreement.put("positiveLabel", description.positiveLabel());
        agreement.put("epsilon", description.epsilon());
        counts(report.putObject("counts"), result.counts());
        report.put("agreementRate", result.counts().agreementRate());
        report.put("errorRate", result.counts().errorRate());
        map(report.putObject("replayErrors"), result.replayErrors());
        map(report.putObject("baselineErrors"), result.baselineErrors());
        map(report.putObject("baselineBy"), result.baselineBy());
        map(report.putObject("labelTransitions"), result.labelTransitions());
        deltas(report.putObject("scoreDelta"), DeltaStats.of(result.deltas()));
        ArrayNode changes = report.putArray("largestChanges");
        result.largestChanges().forEach(change -> change(changes.addObject(), change));
        ObjectNode overTime = report.putObject("overTime");
        overTime.put("bucketMs", result.bucketMs());
        ArrayNode buckets = overTime.putArray("buckets");
        for (ComparisonResult.TimeBucket bucket : result.overTime()) {
            ObjectNode b = buckets.addObject();
            b.put("fromMs", bucket.fromMs());
            b.put("toMs", bucket.toMs());
            b.put("inputs", bucket.inputs());
            b.put("compared", bucket.compared());
            b.put("agreed", bucket.agreed());
            b.put("agreementRate", bucket.agreementRate());
        }
        return report;
    }

    public static void write(Path file, ObjectNode report) throws IOException {
        Files.write(file, (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void snapshot(ObjectNode node, ReplayDescription description) {
        node.put("id", description.snapshotId());
        node.put("app", description.snapshot().app());
        node.put("createdAtMs", description.snapshot().createdAtMs());
        node.put("untilMs", description.snapshot().untilMs());
        node.put("label", description.snapshot().label());
        node.put("decoySegments", description.snapshot().segments().stream().filter(s -> s.kind().equals("decoy")).count());
        node.put("resultsSegments", description.snapshot().segments().stream().filter(s -> s.kind().equals("results")).count());
    }

    private static void model(ObjectNode node, ModelManifest manifest) {
        node.put("name", manifest.name());
        node.put("version", manifest.version());
        node.put("role", manifest.role().wireName());
        node.put("runtime", manifest.runtime().wireName());
        node.put("artifact", manifest.artifact() != null ? manifest.artifact().getFileName().toString()
                : manifest.url() != null ? manifest.url().toString() : null);
        node.put("sha256", manifest.sha256());
        node.put("maxBatch", manifest.batching().maxBatch());
        node.put("trainingData", manifest.lineage().trainingData());
    }

    private static void counts(ObjectNode node, ComparisonResult.Counts counts) {
        node.put("inputs", counts.inputs());
        node.put("undecodable", counts.undecodable());
        node.put("notReproducible", counts.notReproducible());
        node.put("replayErrors", counts.replayErrors());
        node.put("baselineMissing", counts.baselineMissing());
        node.put("baselineWithoutAnswer", counts.baselineWithoutAnswer());
        node.put("incomparable", counts.incomparable());
        node.put("compared", counts.compared());
        node.put("agreed", counts.agreed());
        node.put("disagreed", counts.compared() - counts.agreed());
        node.put("comparedByLabel", counts.comparedByLabel());
        node.put("agreedByLabel", counts.agreedByLabel());
        node.put("comparedByScore", counts.comparedByScore());
        node.put("agreedByScore", counts.agreedByScore());
    }

    private static void deltas(ObjectNode node, DeltaStats stats) {
        node.put("definition", "replayed score - baseline score, over pairs where both have a score");
        node.put("pairs", stats.pairs());
        if (stats.pairs() == 0) {
            return;
        }
        node.put("mean", stats.mean());
        node.put("meanAbs", stats.meanAbs());
        node.put("min", stats.sorted()[0]);
        for (double q : DeltaStats.QUANTILES) {
            node.put(quantileName("p", q), DeltaStats.quantile(stats.sorted(), q));
        }
        node.put("max", stats.sorted()[stats.pairs() - 1]);
        for (double q : new double[] {0.50, 0.95, 0.99}) {
            node.put(quantileName("absP", q), DeltaStats.quantile(stats.sortedAbs(), q));
        }
        node.put("absMax", stats.sortedAbs()[stats.pairs() - 1]);
        ObjectNode histogram = node.putObject("histogram");
        histogram.put("binWidth", stats.binWidth());
        ArrayNode bins = histogram.putArray("bins");
        for (DeltaStats.Bin bin : stats.histogram()) {
            ObjectNode b = bins.addObject();
            b.put("from", bin.from());
            b.put("to", bin.to());
            b.put("count", bin.count());
        }
    }

    static String quantileName(String prefix, double q) {
        return prefix + String.format(java.util.Locale.ROOT, "%02d", Math.round(q * 100));
    }

    private static void change(ObjectNode node, ComparisonResult.Change change) {
        node.put("requestId", change.requestId());
        node.put("at", change.partition() + "@" + change.offset());
        node.put("receivedAtMs", change.receivedAtMs());
        node.put("baselineBy", change.baselineBy());
        node.put("baselineLabel", change.baselineLabel());
        node.put("baselineScore", change.baselineScore());
        node.put("replayedLabel", change.replayedLabel());
        node.put("replayedScore", change.replayedScore());
        node.put("delta", change.delta());
    }

    private static void map(ObjectNode node, Map<String, Long> counts) {
        counts.forEach(node::put);
    }
}
