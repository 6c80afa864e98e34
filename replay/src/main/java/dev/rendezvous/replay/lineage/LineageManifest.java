package dev.rendezvous.replay.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;

/** The runner manifest of a model trained on a snapshot, role {@code shadow}, with the snapshot in its lineage. */
final class LineageManifest {
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build());

    private LineageManifest() {
    }

    static String toYaml(TrainingRecipe recipe, Model<Label> model, String sha256, TrainingDataReference trainingData,
                         Map<String, String> params, Map<String, Double> metrics) {
        ObjectNode manifest = YAML.createObjectNode();
        manifest.put("app", recipe.app());
        manifest.put("name", recipe.name());
        manifest.put("version", recipe.version());
        // A new model starts in shadow: it scores live traffic, and nothing serves it until it is promoted.
        manifest.put("role", "shadow");
        manifest.put("runtime", "onnx");
        manifest.put("artifact", recipe.fileStem() + ".onnx");
        manifest.put("sha256", sha256);
        ObjectNode input = manifest.putObject("input");
        input.put("tensor", OnnxGraph.INPUT);
        OnnxGraph.columns(model).forEach(input.putArray("features")::add);
        ObjectNode output = manifest.putObject("output");
        output.put("tensor", OnnxGraph.OUTPUT);
        OnnxGraph.labels(model).forEach(output.putArray("labels")::add);
        ObjectNode batching = manifest.putObject("batching");
        batching.put("maxBatch", 64);
        batching.put("maxWaitMs", 0);
        ObjectNode lineage = manifest.putObject("lineage");
        lineage.put("trainingData", trainingData.format());
        lineage.put("rawData", "snapshot:" + trainingData.snapshotId());
        lineage.put("prepCode", "dev.rendezvous.replay.lineage.ExportedInputs + ServedLabels (archive export inputs.ndjson, labels "
                + trainingData.labels() + ")");
        lineage.put("trainCode", "dev.rendezvous.replay.lineage.SnapshotTraining, tribuo " + Tribuo.VERSION);
        lineage.put("seed", recipe.seed());
        params.forEach(lineage.putObject("params")::put);
        metrics.forEach(lineage.putObject("metrics")::put);
        try {
            return "# Trained by dev.rendezvous.replay.lineage.SnapshotTraining on an archive snapshot (see lineage).\n"
                    + YAML.writeValueAsString(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
