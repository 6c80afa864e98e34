package dev.rendezvous.runner.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import dev.rendezvous.runner.manifest.InputMapping;
import java.util.List;
import java.util.Set;

/**
 * Turns a request into one FLOAT row in the model's column order: from named scalar {@code features}
 * (extra features are ignored), or from a single Open Inference Protocol tensor holding exactly one row.
 */
public final class FeatureRows {
    private static final Set<String> NUMERIC_TYPES = Set.of("FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64",
            "UINT8", "UINT16", "UINT32", "UINT64");

    private final List<String> features;

    public FeatureRows(InputMapping input) {
        this.features = input.features();
    }

    public float[] row(ScoringRequest request) throws InvalidInputException {
        if (request.features() != null) {
            return fromFeatures(request.features());
        }
        return fromTensors(request.inputs());
    }

    private float[] fromFeatures(JsonNode named) throws InvalidInputException {
        float[] row = new float[features.size()];
        for (int i = 0; i < row.length; i++) {
            String feature = features.get(i);
            JsonNode value = named.get(feature);
            if (value == null) {
                throw new InvalidInputException("feature '" + feature + "' is missing; this model needs " + features);
            }
            row[i] = toFloat("feature '" + feature + "'", value);
        }
        return row;
    }

    private float[] fromTensors(List<Tensor> inputs) throws InvalidInputException {
        if (inputs.size() != 1) {
            throw new InvalidInputException("got " + inputs.size() + " input tensors; this model takes one FP32 tensor of shape [1, "
                    + features.size() + "] with columns " + features + ", or named 'features'");
        }
        Tensor tensor = inputs.get(0);
        if (!NUMERIC_TYPES.contains(tensor.datatype())) {
            throw new InvalidInputException("tensor '" + tensor.name() + "' has datatype " + tensor.datatype() + "; expected a numeric type such as FP32");
        }
        long elements = tensor.shape().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
        if (elements != features.size()) {
            throw new InvalidInputException("tensor '" + tensor.name() + "' has shape " + tensor.shape() + "; expected one row of "
                    + features.size() + " values with columns " + features);
        }
        float[] row = new float[features.size()];
        int filled = flatten(tensor.name(), tensor.data(), row, 0);
        if (filled != row.length) {
            throw new InvalidInputException("tensor '" + tensor.name() + "' has " + filled + " values in 'data'; its shape "
                    + tensor.shape() + " promises " + row.length);
        }
        return row;
    }

    private static int flatten(String tensor, JsonNode data, float[] row, int at) throws InvalidInputException {
        if (!data.isArray()) {
            if (at >= row.length) {
                return at + 1;
            }
            row[at] = toFloat("tensor '" + tensor + "' value " + at, data);
            return at + 1;
        }
        for (JsonNode element : data) {
            at = flatten(tensor, element, row, at);
        }
        return at;
    }

    private static float toFloat(String what, JsonNode value) throws InvalidInputException {
        if (!value.isNumber()) {
            throw new InvalidInputException(what + " is " + describe(value) + "; expected a number");
        }
        float f = value.floatValue();
        if (Float.isInfinite(f)) {
            throw new InvalidInputException(what + " is " + value + "; expected a number within FLOAT range");
        }
        return f;
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return (text.length() > 40 ? text.substring(0, 40) + "..." : text) + " (" + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
