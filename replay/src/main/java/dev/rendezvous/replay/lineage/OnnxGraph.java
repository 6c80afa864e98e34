package dev.rendezvous.replay.lineage;

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
 * Exports a trained model as ONNX in the runner's shape: input {@code input} FLOAT [-1, features] of
 * raw values in Tribuo's column order, standardized in the graph, output {@code output} FLOAT
 * [-1, labels] of probabilities.
 */
final class OnnxGraph {
    static final String INPUT = "input";
    static final String OUTPUT = "output";

    private OnnxGraph() {
    }

    /** Column i is the feature with Tribuo id i (Tribuo sorts feature names). */
    static List<String> columns(Model<Label> model) {
        List<String> columns = new ArrayList<>();
        for (int id = 0; id < model.getFeatureIDMap().size(); id++) {
            columns.add(model.getFeatureIDMap().get(id).getName());
        }
        return columns;
    }

    static List<String> labels(Model<Label> model) {
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            labels.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return labels;
    }

    static byte[] toBytes(Model<Label> model, Standardizer standardizer, TrainingRecipe recipe) {
        List<String> columns = columns(model);
        float[] mean = new float[columns.size()];
        float[] scale = new float[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            int feature = recipe.features().indexOf(columns.get(i));
            mean[i] = (float) standardizer.mean()[feature];
            scale[i] = (float) standardizer.scale()[feature];
        }
        ONNXContext context = new ONNXContext();
        context.setName(recipe.fileStem());
        ONNXPlaceholder input = context.floatInput(INPUT, columns.size());
        ONNXPlaceholder output = context.floatOutput(OUTPUT, model.getOutputIDInfo().size());
        ONNXNode standardized = input.apply(ONNXOperators.SUB, context.array("feature_mean", mean))
                .apply(ONNXOperators.MUL, context.array("feature_scale", scale));
        ((ONNXExportable) model).writeONNXGraph(standardized).assignTo(output);
        long version;
        try {
            version = Long.parseLong(recipe.version());
        } catch (NumberFormatException e) {
            version = 1;
        }
        OnnxMl.ModelProto proto = ONNXExportable.buildModel(context, "dev.rendezvous.replay", version, model);
        // Tribuo's provenance (training time, host, JVM) would make the bytes differ per run; the manifest's lineage says how it was made.
        return proto.toBuilder().clearMetadataProps()
                .setDocString(recipe.name() + "@" + recipe.version() + ": see its manifest for lineage").build().toByteArray();
    }
}
