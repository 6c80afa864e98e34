package dev.rendezvous.replay.lineage;

import java.util.List;
import java.util.Objects;

/**
 * How to train a model on a snapshot: its identity, the features it reads (its input columns, in this
 * order), and the factorization machine's hyper-parameters and seed. The same recipe on the same
 * export gives the same ONNX bytes.
 */
public record TrainingRecipe(String app, String name, String version, List<String> features, String positiveLabel,
                             int epochs, double learningRate, int factorDims, long seed) {
    public TrainingRecipe {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        features = List.copyOf(features);
        if (features.isEmpty() || epochs < 1 || learningRate <= 0 || factorDims < 1) {
            throw new IllegalArgumentException("a recipe needs features, epochs >= 1, learningRate > 0 and factorDims >= 1; got "
                    + features + ", " + epochs + ", " + learningRate + ", " + factorDims);
        }
    }

    /** The demo models' factorization machine settings (3 epochs, AdaGrad 0.1, 4 factors) for a new version. */
    public static TrainingRecipe factorizationMachine(String app, String name, String version, List<String> features, long seed) {
        return new TrainingRecipe(app, name, version, features, "fraud", 3, 0.1, 4, seed);
    }

    String fileStem() {
        return name + "-" + version;
    }
}
