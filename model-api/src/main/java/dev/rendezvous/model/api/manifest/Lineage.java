package dev.rendezvous.model.api.manifest;

import java.util.Map;

/**
 * Where a model version comes from, so that forensics can answer "which data and code made the model
 * that served this?". Every field is optional: a hand-written manifest may not know them all.
 *
 * @param trainingData snapshot id (or description and hash) of the data the model was trained on
 * @param rawData      snapshot id of the raw data that data was prepared from
 * @param prepCode     reference (git ref, class) of the data preparation code
 * @param trainCode    reference of the training code
 * @param seed         the training random seed
 * @param params       training parameters
 * @param metrics      metrics measured at training time, e.g. held-out AUC
 */
public record Lineage(String trainingData, String rawData, String prepCode, String trainCode, Long seed,
                      Map<String, String> params, Map<String, Double> metrics) {
    public Lineage {
        params = params == null ? Map.of() : Map.copyOf(params);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    public static Lineage unknown() {
        return new Lineage(null, null, null, null, null, Map.of(), Map.of());
    }
}
