package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of an Open Inference Protocol infer request body the gateway acts on, validated.
 *
 * @param id            the body's {@code id}, or null (the node is kept so that a non-string id is refused where ids are resolved)
 * @param timeoutMicros {@code parameters.timeout}: the caller's deadline in microseconds, or null
 * @param inputs        the input tensors, data flattened row-major
 * @param outputs       names of the outputs asked for; empty for all
 */
record OipInferRequest(JsonNode id, Long timeoutMicros, List<Tensor> inputs, List<String> outputs) {

    static OipInferRequest parse(ObjectNode body, TensorValidator tensors) {
        Long timeoutMicros = null;
        JsonNode parameters = body.get("parameters");
        if (parameters != null && !parameters.isNull()) {
            if (!parameters.isObject()) {
                throw new ApiError(400, "'parameters' must be an object of name to string, number or boolean", "body.parameters");
            }
            JsonNode timeout = parameters.get("timeout");
            if (timeout != null && !timeout.isNull()) {
                if (!timeout.isIntegralNumber() || !timeout.canConvertToLong() || timeout.asLong() < 1) {
                    throw new ApiError(400, "'parameters.timeout' must be a positive whole number of microseconds, was "
                            + TensorValidator.describe(timeout), "body.parameters.timeout");
                }
                timeoutMicros = timeout.asLong();
            }
        }
        List<Tensor> inputs = tensors.inputs(body.get("inputs"), "body.inputs");
        return new OipInferRequest(body.get("id"), timeoutMicros, inputs, outputs(body.get("outputs")));
    }

    /** The caller's timeout as whole milliseconds (rounded up: 1 µs still allows 1 ms), or null. */
    Long timeoutMs() {
        return timeoutMicros == null ? null : Long.valueOf((timeoutMicros + 999) / 1000);
    }

    private static List<String> outputs(JsonNode outputs) {
        if (outputs == null || outputs.isNull()) {
            return List.of();
        }
        if (!outputs.isArray()) {
            throw new ApiError(400, "'outputs' must be an array of {\"name\": ...}", "body.outputs");
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode output = outputs.get(i);
            JsonNode name = output.isObject() ? output.get("name") : null;
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw new ApiError(400, "each requested output must be an object with a non-empty string 'name'", "body.outputs[" + i + "]");
            }
            JsonNode parameters = output.get("parameters");
            if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
                throw new ApiError(400, "'parameters' of a requested output must be an object", "body.outputs[" + i + "].parameters");
            }
            names.add(name.asText());
        }
        return new ArrayList<>(names);
    }
}
