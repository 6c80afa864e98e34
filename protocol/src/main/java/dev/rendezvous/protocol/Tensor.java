package dev.rendezvous.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A named tensor in the shape of the Open Inference Protocol v2: a datatype such as {@code FP32},
 * a shape and row-major data (flat or nested as the caller sent it).
 */
public record Tensor(String name, String datatype, List<Long> shape, JsonNode data) {
    public Tensor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tensor name is missing");
        }
        Objects.requireNonNull(datatype, () -> "tensor '" + name + "': datatype is missing");
        Objects.requireNonNull(shape, () -> "tensor '" + name + "': shape is missing");
        Objects.requireNonNull(data, () -> "tensor '" + name + "': data is missing");
        shape = List.copyOf(shape);
    }
}
