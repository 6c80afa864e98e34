package dev.rendezvous.bench.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.bench.ablation.AblationResult;
import dev.rendezvous.bench.load.CapacitySearch;
import dev.rendezvous.bench.load.LoadResult;
import dev.rendezvous.bench.load.Outcome;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine-readable form of a {@link BenchReport}: one JSON file per run. */
public final class ReportJson {
    private ReportJson() {
    }

    public static void write(BenchReport report, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, JsonCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(report)));
    }

    public static ObjectNode toJson(BenchReport report) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("startedAt", report.startedAt().toString());
        root.set("machine", JsonCodec.mapper().valueToTree(report.machine()));
        root.put("loadAverageAtEnd", report.loadAverageAtEnd());
        root.put("command", report.command());
        root.put("settings", report.settings());
        root.put("runSeconds", report.runSeconds());
        root.put("platformMode", report.platformMode());
        root.put("comparisonRate", report.comparisonRate());
        if (report.isAblation()) {
            ArrayNode ablation = root.putArray("ablation");
            for (AblationResult step : report.ablation()) {
                ObjectNode s = ablation.addObject();
                s.put("step", step.step().name());
                s.put("adds", step.step().adds());
                s.set("services", JsonCodec.mapper().valueToTree(step.step().services()));
                s.set("manifests", JsonCodec.mapper().valueToTree(step.step().manifests()));
                s.put("startupMillis", step.startMillis());
                s.set("rendezvous", result(step.rendezvous()));
                s.set("kafka3Hops", result(step.floor()));
            }
            return root;
        }
        ArrayNode comparison = root.putArray("comparison");
        report.comparison().forEach(r -> comparison.add(result(r)));
        root.set("threadCpuCores", JsonCodec.mapper().valueToTree(report.threadCpuCores()));
        root.set("profile", JsonCodec.mapper().valueToTree(report.profile()));
        if (report.capacity() != null) {
            ObjectNode capacity = root.putObject("capacity");
            capacity.put("deadlineMs", report.capacity().deadlineMs());
            capacity.set("highestSustainedRate", JsonCodec.mapper().valueToTree(report.capacity().capacity()));
            ArrayNode steps = capacity.putArray("steps");
            for (CapacitySearch.Step step : report.capacity().steps()) {
                ObjectNode s = steps.addObject();
                s.put("rate", step.rate());
                s.set("passed", JsonCodec.mapper().valueToTree(step.passed()));
                ArrayNode results = s.putArray("results");
                step.results().values().forEach(r -> results.add(result(r)));
            }
        }
        root.put("startupMillis", report.startupMillis());
        root.put("rssBeforePlatformBytes", report.rssBeforeBytes());
        root.put("rssAfterPlatformBytes", report.rssAfterBytes());
        root.put("requestRecordBytes", report.recordBytes());
        root.set("batchingRecordsPerSecond", JsonCodec.mapper().valueToTree(report.batching()));
        root.set("archive", JsonCodec.mapper().valueToTree(report.archive()));
        root.set("replay", JsonCodec.mapper().valueToTree(report.replay()));
        root.set("targets", JsonCodec.mapper().valueToTree(TargetVerdicts.of(report)));
        return root;
    }

    private static ObjectNode result(LoadResult r) {
        ObjectNode node = JsonCodec.mapper().createObjectNode();
        node.put("target", r.target());
        node.put("offeredRate", r.offeredRate());
        node.put("achievedRate", r.achievedRate());
        node.put("measuredSeconds", r.measuredNanos() / 1e9);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            node.put("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)) + "Ms", r.percentileMillis(p));
        }
        node.put("maxMs", r.maxMillis());
        ObjectNode outcomes = node.putObject("outcomes");
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome.name().toLowerCase(), r.count(outcome));
        }
        node.put("unanswered", r.unanswered());
        node.put("cpuCores", r.cpuCores());
        double cpuMs = r.cpuMillisPerRequest();
        if (Double.isNaN(cpuMs)) {
            node.putNull("cpuMsPerRequest");
        } else {
            node.put("cpuMsPerRequest", cpuMs);
        }
        double platformCpuMs = r.platformCpuMillisPerRequest();
        if (!Double.isNaN(platformCpuMs)) {
            node.put("platformProcessCpuMsPerRequest", platformCpuMs);
        }
        return node;
    }
}
