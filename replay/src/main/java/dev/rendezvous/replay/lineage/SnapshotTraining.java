package dev.rendezvous.replay.lineage;

import dev.rendezvous.protocol.ScoringRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
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
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a factorization machine with Tribuo on a snapshot export (seeded, so the same export and
 * recipe give the same model bytes), measures it on the last 20 % of the rows, and writes
 * {@code <name>-<version>.onnx} and its manifest, whose lineage names the snapshot and the export hash.
 */
public final class SnapshotTraining {
    static final double TRAINING_FRACTION = 0.8;
    private static final LabelFactory LABELS = new LabelFactory();
    // Tribuo logs every training at INFO through java.util.logging; held in a field since JUL keeps loggers weakly.
    private static final Logger TRIBUO_SGD_LOG = Logger.getLogger("org.tribuo.common.sgd.AbstractSGDTrainer");

    static {
        TRIBUO_SGD_LOG.setLevel(Level.WARNING);
    }

    private SnapshotTraining() {
    }

    /** What training wrote. */
    public record Trained(Path manifest, Path artifact, int trainingRows, int heldOutRows, Map<String, Double> metrics) {
    }

    /**
     * @param labels the label of each request id; requests without one are left out
     */
    public static Trained train(ExportedInputs export, Map<String, String> labels, String labelSource, TrainingRecipe recipe, Path outDir)
            throws IOException {
        List<ScoringRequest> labelled = export.requests().stream().filter(r -> labels.containsKey(r.id()) && r.features() != null).toList();
        int cut = (int) Math.round(labelled.size() * TRAINING_FRACTION);
        if (cut < 10 || labelled.size() - cut < 1) {
            throw new IllegalArgumentException("only " + labelled.size() + " labelled requests in export of snapshot "
                    + export.manifest().snapshotId() + "; expected at least 13");
        }
        List<ScoringRequest> training = labelled.subList(0, cut);
        List<ScoringRequest> heldOut = labelled.subList(cut, labelled.size());
        Standardizer standardizer = Standardizer.fit(training, recipe.features());
        String description = "snapshot " + export.manifest().snapshotId() + " rows [0," + cut + ")";
        Model<Label> model = newTrainer(recipe).train(dataset(training, labels, recipe.features(), standardizer, description));
        Map<String, Double> metrics = evaluate(model, dataset(heldOut, labels, recipe.features(), standardizer, "held out"), recipe);

        byte[] onnx = OnnxGraph.toBytes(model, standardizer, recipe);
        Files.createDirectories(outDir);
        Path artifact = outDir.resolve(recipe.fileStem() + ".onnx");
        Files.write(artifact, onnx);
        TrainingDataReference reference = new TrainingDataReference(export.manifest().snapshotId(), export.manifest().sha256(),
                labelled.size(), labelSource);
        Path manifest = outDir.resolve(recipe.fileStem() + ".yaml");
        Files.writeString(manifest, LineageManifest.toYaml(recipe, model, sha256(onnx), reference, params(recipe, cut), metrics));
        return new Trained(manifest, artifact, training.size(), heldOut.size(), metrics);
    }

    private static FMClassificationTrainer newTrainer(TrainingRecipe recipe) {
        // -1: no per-iteration logging; minibatch 1 and init variance 0.1 as the demo models.
        return new FMClassificationTrainer(new LogMulticlass(), new AdaGrad(recipe.learningRate(), 0.1), recipe.epochs(), -1, 1,
                recipe.seed(), recipe.factorDims(), 0.1);
    }

    private static MutableDataset<Label> dataset(List<ScoringRequest> requests, Map<String, String> labels, List<String> features,
                                                 Standardizer standardizer, String description) {
        String[] names = features.toArray(String[]::new);
        List<Example<Label>> examples = new ArrayList<>(requests.size());
        for (ScoringRequest request : requests) {
            double[] values = new double[names.length];
            for (int i = 0; i < names.length; i++) {
                values[i] = standardizer.apply(i, request.features().path(names[i]).asDouble());
            }
            examples.add(new ArrayExample<>(new Label(labels.get(request.id())), names, values));
        }
        // A constant provenance time: Tribuo would otherwise stamp "now", and the bytes would differ per run.
        return new MutableDataset<>(examples, new SimpleDataSourceProvenance(description, OffsetDateTime.parse("2024-01-01T00:00:00Z"), LABELS),
                LABELS);
    }

    private static Map<String, Double> evaluate(Model<Label> model, MutableDataset<Label> heldOut, TrainingRecipe recipe) {
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, heldOut);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("heldOutRows", (double) heldOut.size());
        metrics.put("heldOutAccuracy", round(evaluation.accuracy()));
        try {
            metrics.put("heldOutAuc" + Character.toUpperCase(recipe.positiveLabel().charAt(0)) + recipe.positiveLabel().substring(1),
                    round(evaluation.AUCROC(new Label(recipe.positiveLabel()))));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The held-out rows have only one class: AUC is undefined, so it is not recorded.
        }
        return metrics;
    }

    private static Map<String, String> params(TrainingRecipe recipe, int trainingRows) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("trainer", "tribuo FMClassificationTrainer");
        params.put("objective", "LogMulticlass");
        params.put("optimiser", "AdaGrad");
        params.put("learningRate", Double.toString(recipe.learningRate()));
        params.put("epochs", Integer.toString(recipe.epochs()));
        params.put("factorizedDimSize", Integer.toString(recipe.factorDims()));
        params.put("trainingRows", Integer.toString(trainingRows));
        params.put("split", "first " + Math.round(TRAINING_FRACTION * 100) + " % of the labelled export rows in export order; the rest held out");
        params.put("featureScaling", "standardize (training-split mean and standard deviation), inside the ONNX graph");
        return params;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
