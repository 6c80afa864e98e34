package dev.rendezvous.replay.lineage;

import dev.rendezvous.protocol.ScoringRequest;
import java.util.List;

/**
 * Per-feature mean and scale (1 / standard deviation) from the training rows: SGD trains badly on raw
 * euros and days, and the exported graph applies the same transform to raw requests itself.
 */
record Standardizer(double[] mean, double[] scale) {

    static Standardizer fit(List<ScoringRequest> rows, List<String> features) {
        double[] mean = new double[features.size()];
        double[] scale = new double[features.size()];
        for (int i = 0; i < features.size(); i++) {
            double sum = 0;
            double sumOfSquares = 0;
            for (ScoringRequest row : rows) {
                double value = row.features().path(features.get(i)).asDouble();
                sum += value;
                sumOfSquares += value * value;
            }
            double m = sum / rows.size();
            double deviation = Math.sqrt(Math.max(0, sumOfSquares / rows.size() - m * m));
            mean[i] = m;
            scale[i] = deviation > 0 ? 1 / deviation : 1;
        }
        return new Standardizer(mean, scale);
    }

    double apply(int feature, double value) {
        return (value - mean[feature]) * scale[feature];
    }
}
