package dev.rendezvous.model.export;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Exports a trained Tribuo classifier as ONNX bytes in the runner's shape: input {@code input} FLOAT
 * [-1, features] of raw values in {@link #columns} order, standardized inside the graph, then
 * Tribuo's own graph, output {@code output} FLOAT [-1, labels] of probabilities in {@link #labels}
 * order. Shared by the demo models and by models trained from archive snapshots (replay's lineage).
 */
public final class OnnxExport {
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private OnnxExport() {
    }

    /** The model's input columns: column i is the feature with Tribuo id i (Tribuo sorts feature names). */
    public static List<String> columns(Model<Label> model) {
        List<String> columns = new ArrayList<>();
        for (int id = 0; id < model.getFeatureIDMap().size(); id++) {
            columns.add(model.getFeatureIDMap().get(id).getName());
        }
        return columns;
    }

    /** The model's output columns: column j is the label with Tribuo output id j. */
    public static List<String> labels(Model<Label> model) {
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            labels.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return labels;
    }

    /**
     * The graph for {@code model}, standardizing column i as {@code (x - mean[i]) * scale[i]} first.
     *
     * @param ref the model's {@code name@version}, named in the graph's doc string
     */
    public static byte[] toBytes(Model<Label> model, float[] mean, float[] scale, String graphName, String domain, long version, String ref) {
        List<String> columns = columns(model);
        ONNXContext context = new ONNXContext();
        context.setName(graphName);
        ONNXPlaceholder input = context.floatInput(INPUT, columns.size());
        ONNXPlaceholder output = context.floatOutput(OUTPUT, model.getOutputIDInfo().size());
        ONNXNode standardized = input.apply(ONNXOperators.SUB, context.array("feature_mean", mean))
                .apply(ONNXOperators.MUL, context.array("feature_scale", scale));
        ((ONNXExportable) model).writeONNXGraph(standardized).assignTo(output);
        OnnxMl.ModelProto proto = ONNXExportable.buildModel(context, domain, version, model);
        // Tribuo embeds its provenance (training time, host, JVM) as metadata and doc string; dropping
        // it makes the bytes a function of the seed alone. The manifest's lineage says how the model was made.
        return proto.toBuilder()
                .clearMetadataProps()
                .setDocString(ref + ": see its manifest for lineage")
                .build()
                .toByteArray();
    }
}
