package dev.rendezvous.examples;

import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Model;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import java.util.List;
import java.util.Map;

/**
 * An example Java plug-in model: hand-written fraud rules. Input {@code input} FP32 [-1, 5], columns
 * amount, cardAgeDays, distanceKm, hour, merchantRisk (the manifest maps named features to them);
 * output {@code output} FP32 [-1, 2], the probabilities of [fraud, legit].
 */
public final class FraudRules implements Model {
    private static final int COLUMNS = 5;

    @Override
    public Signature signature() {
        return new Signature(List.of(TensorSpec.of("input", DataType.FP32, -1, COLUMNS)),
                List.of(TensorSpec.of("output", DataType.FP32, -1, 2)));
    }

    @Override
    public Map<String, TensorValue> predict(Map<String, TensorValue> inputs) {
        TensorValue input = inputs.get("input");
        float[] x = input.floats();
        int rows = (int) input.dim(0);
        float[] out = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            float amount = x[r * COLUMNS];
            float cardAgeDays = x[r * COLUMNS + 1];
            float distanceKm = x[r * COLUMNS + 2];
            float hour = x[r * COLUMNS + 3];
            float merchantRisk = x[r * COLUMNS + 4];
            float fraud = 0.02f;
            fraud += amount > 1_000 ? 0.35f : 0;
            fraud += cardAgeDays < 30 ? 0.2f : 0;
            fraud += distanceKm > 500 ? 0.2f : 0;
            fraud += hour < 6 ? 0.1f : 0;
            fraud += merchantRisk > 0.7f ? 0.12f : 0;
            out[2 * r] = fraud;
            out[2 * r + 1] = 1 - fraud;
        }
        return Map.of("output", TensorValue.of(out, rows, 2));
    }
}
