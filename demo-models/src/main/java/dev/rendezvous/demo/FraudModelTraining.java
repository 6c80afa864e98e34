package dev.rendezvous.demo;

import dev.rendezvous.model.export.OnnxExport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Trains one recipe on the training split and measures it on the held-out split. */
final class FraudModelTraining {
    private static final LabelFactory LABELS = new LabelFactory();
    // Tribuo logs each training at INFO through java.util.logging; the demo trains on every fresh start.
    // Held in a field because java.util.logging keeps loggers only weakly.
    private static final Logger TRIBUO_SGD_LOG = Logger.getLogger("org.tribuo.common.sgd.AbstractSGDTrainer");

    static {
        TRIBUO_SGD_LOG.setLevel(Level.WARNING);
    }

    private FraudModelTraining() {
    }

    /** A trained model with what is needed to export it and to describe it. */
    record TrainedModel(ModelRecipe recipe, Model<Label> model, Standardizer standardizer,
                        Map<String, Double> metrics, long trainingMillis) {

        /** The model as ONNX bytes in the runner's shape, standardizing with its own standardizer (see {@link OnnxExport}). */
        byte[] toOnnx(String domain) {
            List<String> columns = OnnxExport.columns(model);
            float[] mean = new float[columns.size()];
            float[] scale = new float[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                mean[i] = standardizer.mean().get(columns.get(i)).floatValue();
                scale[i] = standardizer.scale().get(columns.get(i)).floatValue();
            }
            return OnnxExport.toBytes(model, mean, scale, recipe.fileStem(), domain,
                    Long.parseLong(recipe.version()), recipe.name() + "@" + recipe.version());
        }
    }

    static TrainedModel train(ModelRecipe recipe, FraudDataset.Split split) {
        Standardizer standardizer = Standardizer.fit(split.training().rows());
        MutableDataset<Label> training = toTribuo(split.training(), standardizer);
        long start = System.nanoTime();
        Model<Label> model = recipe.newTrainer().train(training);
        long trainingMillis = (System.nanoTime() - start) / 1_000_000;
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, toTribuo(split.heldOut(), standardizer));
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("heldOutAccuracy", round(evaluation.accuracy()));
        metrics.put("heldOutAucFraud", round(evaluation.AUCROC(new Label(FraudDataset.FRAUD))));
        metrics.put("heldOutRows", (double) split.heldOut().rows().size());
        metrics.put("heldOutFraudRate", round(split.heldOut().fraudRate()));
        return new TrainedModel(recipe, model, standardizer, metrics, trainingMillis);
    }

    private static MutableDataset<Label> toTribuo(FraudDataset data, Standardizer standardizer) {
        String[] names = FraudDataset.FEATURE_NAMES.toArray(String[]::new);
        List<Example<Label>> examples = new ArrayList<>(data.rows().size());
        for (FraudTransaction row : data.rows()) {
            double[] values = new double[names.length];
            for (int i = 0; i < names.length; i++) {
                values[i] = standardizer.apply(names[i], row.feature(names[i]));
            }
            examples.add(new ArrayExample<>(new Label(row.label()), names, values));
        }
        // Constant provenance: Tribuo otherwise stamps the current time, which would make exports differ.
        return new MutableDataset<>(examples, new SimpleDataSourceProvenance(data.description(),
                java.time.OffsetDateTime.parse("2024-01-01T00:00:00Z"), LABELS), LABELS);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
