package dev.rendezvous.model.runtimes.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.InputMapping;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a request's named scalar {@code features} into the one row {@code [1, features]} of the
 * manifest's input tensor, column i holding {@code input.features[i]} (extra features are ignored).
 */
public final class FeatureRows {
    private static final Set<DataType> NUMERIC = EnumSet.of(DataType.FP32, DataType.FP64, DataType.INT32, DataType.INT64);

    private final List<String> features;
    private final TensorSpec spec;

    /**
     * @throws IllegalArgumentException naming the manifest field when the mapping does not fit the model:
     *                                  unknown tensor, several inputs, wrong width or a non-numeric type
     */
    public FeatureRows(InputMapping mapping, Signature signature) {
        this.features = mapping.features();
        this.spec = signature.input(mapping.tensor()).orElseThrow(() -> new IllegalArgumentException("input.tensor '" + mapping.tensor()
                + "' is not an input of the model; its inputs are " + signature.inputNames()));
        if (signature.inputs().size() != 1) {
            throw new IllegalArgumentException("input.features maps named features to '" + mapping.tensor() + "', but the model has inputs "
                    + signature.inputNames() + "; a model with several inputs takes tensors (the request's 'inputs') only: leave 'input' out");
        }
        if (!NUMERIC.contains(spec.type())) {
            throw new IllegalArgumentException("input.tensor '" + spec.name() + "' is " + spec.describe()
                    + "; named features fill numeric inputs only (FP32, FP64, INT32, INT64)");
        }
        List<Long> shape = spec.shape();
        if (shape.size() != 2 || (shape.get(0) != TensorSpec.DYNAMIC && shape.get(0) != 1)) {
            throw new IllegalArgumentException("input.tensor '" + spec.name() + "' has shape " + shape
                    + "; named features fill a [batch, features] input, e.g. [-1, " + features.size() + "]");
        }
        if (shape.get(1) != TensorSpec.DYNAMIC && shape.get(1) != features.size()) {
            throw new IllegalArgumentException("input.features lists " + features.size() + " features but input '" + spec.name()
                    + "' has " + shape.get(1) + " columns");
        }
    }

    public String tensorName() {
        return spec.name();
    }

    public TensorValue row(JsonNode named) throws InvalidInputException {
        int n = features.size();
        long[] shape = {1, n};
        return switch (spec.type()) {
            case FP32 -> {
                float[] row = new float[n];
                for (int i = 0; i < n; i++) {
                    double value = number(named, i).doubleValue();
                    if (Float.isInfinite((float) value)) {
                        throw new InvalidInputException("feature '" + features.get(i) + "' is " + value + "; expected a number within FP32 range");
                    }
                    row[i] = (float) value;
                }
                yield TensorValue.of(row, shape);
            }
            case FP64 -> {
                double[] row = new double[n];
                for (int i = 0; i < n; i++) {
                    row[i] = number(named, i).doubleValue();
                }
                yield TensorValue.of(row, shape);
            }
            case INT32 -> {
                int[] row = new int[n];
                for (int i = 0; i < n; i++) {
                    row[i] = whole(named, i, true).intValue();
                }
                yield TensorValue.of(row, shape);
            }
            case INT64 -> {
                long[] row = new long[n];
                for (int i = 0; i < n; i++) {
                    row[i] = whole(named, i, false).longValue();
                }
                yield TensorValue.of(row, shape);
            }
            default -> throw new IllegalStateException("checked in the constructor: " + spec.type());
        };
    }

    private JsonNode number(JsonNode named, int i) throws InvalidInputException {
        JsonNode value = named.get(features.get(i));
        if (value == null) {
            throw new InvalidInputException("feature '" + features.get(i) + "' is missing; this model needs " + features);
        }
        if (!value.isNumber()) {
            throw new InvalidInputException("feature '" + features.get(i) + "' is " + describe(value) + "; expected a number");
        }
        return value;
    }

    private JsonNode whole(JsonNode named, int i, boolean int32) throws InvalidInputException {
        JsonNode value = number(named, i);
        if (!value.isIntegralNumber() || !(int32 ? value.canConvertToInt() : value.canConvertToLong())) {
            throw new InvalidInputException("feature '" + features.get(i) + "' is " + value + "; input '" + spec.name() + "' is "
                    + spec.type() + ", so expected a whole number");
        }
        return value;
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return (text.length() > 40 ? text.substring(0, 40) + "..." : text) + " (" + value.getNodeType().name().toLowerCase(Locale.ROOT) + ")";
    }
}
