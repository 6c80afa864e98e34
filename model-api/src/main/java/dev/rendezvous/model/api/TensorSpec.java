package dev.rendezvous.model.api;

import java.util.List;
import java.util.Objects;

/**
 * What a model expects of one named input, or promises of one output: its element type and shape,
 * where {@code -1} marks a dynamic dimension (usually the batch, dimension 0).
 */
public record TensorSpec(String name, DataType type, List<Long> shape) {
    public static final long DYNAMIC = -1;

    public TensorSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tensor name is missing");
        }
        Objects.requireNonNull(type, () -> "tensor '" + name + "': type is missing");
        Objects.requireNonNull(shape, () -> "tensor '" + name + "': shape is missing");
        shape = shape.stream().map(d -> d == null || d < 0 ? DYNAMIC : d).toList();
    }

    public static TensorSpec of(String name, DataType type, long... shape) {
        return new TensorSpec(name, type, java.util.Arrays.stream(shape).boxed().toList());
    }

    /** Whether a tensor of this concrete shape fits: same rank, and equal size in every fixed dimension. */
    public boolean fits(long[] concrete) {
        if (concrete.length != shape.size()) {
            return false;
        }
        for (int d = 0; d < concrete.length; d++) {
            if (shape.get(d) != DYNAMIC && shape.get(d) != concrete[d]) {
                return false;
            }
        }
        return true;
    }

    /** Whether dimension 0 is dynamic, so that requests can be stacked along it into one call. */
    public boolean hasDynamicBatch() {
        return !shape.isEmpty() && shape.get(0) == DYNAMIC;
    }

    /** E.g. {@code FP32 [-1, 5]}. */
    public String describe() {
        return type.oipName() + " " + shape;
    }
}
