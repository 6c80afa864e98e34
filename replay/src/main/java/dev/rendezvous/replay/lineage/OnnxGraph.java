package dev.rendezvous.replay.lineage;

import dev.rendezvous.model.export.OnnxExport;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * Exports a model trained from a snapshot in the runner's shape, through the demo models' exporter:
 * one way to build the graph, so both kinds of model load the same in every runtime.
 */
final class OnnxGraph {
    static final String INPUT = OnnxExport.INPUT;
    static final String OUTPUT = OnnxExport.OUTPUT;

    private OnnxGraph() {
    }

    static List<String> columns(Model<Label> model) {
        return OnnxExport.columns(model);
    }

    static List<String> labels(Model<Label> model) {
        return OnnxExport.labels(model);
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
        long version;
        try {
            version = Long.parseLong(recipe.version());
        } catch (NumberFormatException e) {
            version = 1;
        }
        return OnnxExport.toBytes(model, mean, scale, recipe.fileStem(), "dev.rendezvous.replay", version, recipe.name() + "@" + recipe.version());
    }
}
