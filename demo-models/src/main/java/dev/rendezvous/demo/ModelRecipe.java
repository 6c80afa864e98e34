package dev.rendezvous.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * How one demo model version is trained: the Tribuo algorithm, its hyper-parameters and its seed.
 *
 * @param role       the role the demo deploys it in: {@code live}, {@code shadow}, {@code canary} or {@code retired}
 * @param maxWaitMs  the manifest's {@code batching.maxWaitMs}: 0 for the model the default policy serves
 *                   first; models it needs only later (or never) let the broker gather their requests
 */
record ModelRecipe(String name, String version, String role, int maxWaitMs, Algorithm algorithm,
                   int epochs, double learningRate, int factorDims, long seed) {

    /** The Tribuo trainers the demo uses; both export to ONNX. */
    enum Algorithm { FACTORIZATION_MACHINE, LOGISTIC_REGRESSION }

    private static final double ADAGRAD_EPSILON = 0.1;
    private static final double FM_INIT_VARIANCE = 0.1;
    // -1 turns off Tribuo's per-iteration progress logging.
    private static final int NO_LOGGING = -1;
    private static final int MINIBATCH = 1;

    String fileStem() {
        return name + "-" + version;
    }

    /** A new trainer each time: a Tribuo trainer advances its random state with every {@code train} call. */
    Trainer<Label> newTrainer() {
        AdaGrad optimiser = new AdaGrad(learningRate, ADAGRAD_EPSILON);
        return switch (algorithm) {
            case FACTORIZATION_MACHINE -> new FMClassificationTrainer(new LogMulticlass(), optimiser, epochs, NO_LOGGING,
                    MINIBATCH, seed, factorDims, FM_INIT_VARIANCE);
            case LOGISTIC_REGRESSION -> new LinearSGDTrainer(new LogMulticlass(), optimiser, epochs, NO_LOGGING, MINIBATCH, seed);
        };
    }

    /** The parameters as the manifest's lineage records them. */
    Map<String, String> params() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("trainer", algorithm == Algorithm.FACTORIZATION_MACHINE ? "tribuo FMClassificationTrainer" : "tribuo LinearSGDTrainer");
        params.put("objective", "LogMulticlass");
        params.put("optimiser", "AdaGrad");
        params.put("learningRate", Double.toString(learningRate));
        params.put("epsilon", Double.toString(ADAGRAD_EPSILON));
        params.put("epochs", Integer.toString(epochs));
        params.put("minibatchSize", Integer.toString(MINIBATCH));
        if (algorithm == Algorithm.FACTORIZATION_MACHINE) {
            params.put("factorizedDimSize", Integer.toString(factorDims));
            params.put("variance", Double.toString(FM_INIT_VARIANCE));
        }
        params.put("featureScaling", "standardize (train-split mean and standard deviation), inside the ONNX graph");
        return params;
    }
}
