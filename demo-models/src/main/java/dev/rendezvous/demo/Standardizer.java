package dev.rendezvous.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-feature mean and scale learnt from the training split. SGD trains badly on raw euros and days,
 * so models learn on standardized values, and the exported ONNX graph standardizes raw requests itself.
 */
record Standardizer(Map<String, Double> mean, Map<String, Double> scale) {

    Standardizer {
        mean = Map.copyOf(mean);
        scale = Map.copyOf(scale);
    }

    static Standardizer fit(List<FraudTransaction> rows) {
        Map<String, Double> mean = new HashMap<>();
        Map<String, Double> scale = new HashMap<>();
        for (String feature : FraudDataset.FEATURE_NAMES) {
            double sum = 0;
            double sumOfSquares = 0;
            for (FraudTransaction row : rows) {
                double value = row.feature(feature);
                sum += value;
                sumOfSquares += value * value;
            }
            double m = sum / rows.size();
            double deviation = Math.sqrt(Math.max(0, sumOfSquares / rows.size() - m * m));
            mean.put(feature, m);
            scale.put(feature, deviation > 0 ? 1 / deviation : 1);
        }
        return new Standardizer(mean, scale);
    }

    double apply(String feature, double value) {
        return (value - mean.get(feature)) * scale.get(feature);
    }
}
