package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Tensor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks Open Inference Protocol input tensors — name, datatype from the OIP set, shape, data nested
 * consistently with the shape or flat with exactly as many elements, each element fitting the
 * datatype — and returns them with their data flattened in row-major order.
 */
final class TensorValidator {
    /** The tensor datatypes of the Open Inference Protocol v2. */
    static final List<String> DATATYPES = List.of("BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
            "FP16", "FP32", "FP64", "BYTES");
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final int MAX_RANK = 16;
    private static final double FP16_MAX = 65504;

    private final long maxElements;

    TensorValidator(long maxElements) {
        this.maxElements = maxElements;
    }

    /** Validates the {@code inputs} member of an infer request; {@code where} prefixes error locations (e.g. {@code body.inputs}). */
    List<Tensor> inputs(JsonNode inputs, String where) {
        if (inputs == null || inputs.isNull()) {
            throw new ApiError(400, "the body has no 'inputs' array of tensors", where);
        }
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw new ApiError(400, "'inputs' must be a non-empty array of tensors {name, shape, datatype, data}", where);
        }
        List<Tensor> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Tensor tensor = tensor(inputs.get(i), where + "[" + i + "]");
            if (!names.add(tensor.name())) {
                throw new ApiError(400, "input '" + tensor.name() + "' is given twice", where + "[" + i + "].name");
            }
            total += tensor.data().size();
            if (total > maxElements) {
                throw new ApiError(400, "the inputs hold more than " + maxElements + " elements together", where);
            }
            tensors.add(tensor);
        }
        return tensors;
    }

    Tensor tensor(JsonNode input, String where) {
        if (input == null || !input.isObject()) {
            throw new ApiError(400, "a tensor must be an object {name, shape, datatype, data}", where);
        }
        JsonNode name = input.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank() || name.asText().length() > 256) {
            throw new ApiError(400, "the tensor's 'name' must be a non-empty string of at most 256 characters", where + ".name");
        }
        JsonNode datatypeNode = input.get("datatype");
        if (datatypeNode == null || !datatypeNode.isTextual() || !DATATYPES.contains(datatypeNode.asText())) {
            throw new ApiError(400, "tensor '" + name.asText() + "': 'datatype' must be one of " + DATATYPES + ", was "
                    + describe(datatypeNode), where + ".datatype");
        }
        String datatype = datatypeNode.asText();
        JsonNode parameters = input.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw new ApiError(400, "tensor '" + name.asText() + "': 'parameters' must be an object", where + ".parameters");
        }
        List<Long> shape = shape(input.get("shape"), name.asText(), where + ".shape");
        long elements = elementCount(shape, name.asText(), where + ".shape");
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw new ApiError(400, "tensor '" + name.asText() + "': 'data' must be an array, nested as the shape or flat", where + ".data");
        }
        ArrayNode flat = JsonCodec.mapper().createArrayNode();
        boolean nested = false;
        for (JsonNode element : data) {
            nested |= element.isArray();
        }
        if (nested) {
            flattenNested(data, shape, 0, datatype, flat, name.asText(), where + ".data");
        } else {
            if (data.size() != elements) {
                throw new ApiError(400, "tensor '" + name.asText() + "' has " + data.size() + " elements in 'data' but its shape " + shape
                        + " holds " + elements, where + ".data");
            }
            for (int i = 0; i < data.size(); i++) {
                flat.add(element(data.get(i), datatype, name.asText(), where + ".data[" + i + "]"));
            }
        }
        return new Tensor(name.asText(), datatype, shape, flat);
    }

    private List<Long> shape(JsonNode shape, String tensor, String where) {
        if (shape == null || !shape.isArray()) {
            throw new ApiError(400, "tensor '" + tensor + "': 'shape' must be an array of positive integers", where);
        }
        if (shape.size() > MAX_RANK) {
            throw new ApiError(400, "tensor '" + tensor + "': 'shape' has " + shape.size() + " dimensions; at most " + MAX_RANK + " are accepted", where);
        }
        List<Long> dims = new ArrayList<>();
        for (int i = 0; i < shape.size(); i++) {
            JsonNode dim = shape.get(i);
            if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.asLong() < 0) {
                throw new ApiError(400, "tensor '" + tensor + "': shape dimension " + i + " must be a positive integer, was " + describe(dim),
                        where + "[" + i + "]");
            }
            if (dim.asLong() == 0) {
                // An empty tensor has nothing to score; a runner would answer it with an error, and the caller with a fallback.
                throw new ApiError(400, "tensor '" + tensor + "': shape " + shape + " holds no elements; every dimension must be at least 1",
                        where + "[" + i + "]");
            }
            dims.add(dim.asLong());
        }
        return dims;
    }

    private long elementCount(List<Long> shape, String tensor, String where) {
        long count = 1;
        for (long dim : shape) {
            // Dividing first avoids overflow: a product beyond the limit is refused before it is computed.
            if (dim != 0 && count > maxElements / dim) {
                throw new ApiError(400, "tensor '" + tensor + "': shape " + shape + " holds more than " + maxElements + " elements", where);
            }
            count *= dim;
        }
        return count;
    }

    private void flattenNested(JsonNode node, List<Long> shape, int depth, String datatype, ArrayNode flat, String tensor, String where) {
        if (depth == shape.size()) {
            if (node.isArray()) {
                throw new ApiError(400, "tensor '" + tensor + "': 'data' is nested deeper than its shape " + shape, where);
            }
            flat.add(element(node, datatype, tensor, where));
            return;
        }
        if (!node.isArray() || node.size() != shape.get(depth)) {
            throw new ApiError(400, "tensor '" + tensor + "': nested 'data' does not match shape " + shape + ": expected an array of "
                    + shape.get(depth) + " at dimension " + depth + ", found " + (node.isArray() ? "an array of " + node.size() : describe(node)), where);
        }
        for (int i = 0; i < node.size(); i++) {
            flattenNested(node.get(i), shape, depth + 1, datatype, flat, tensor, where + "[" + i + "]");
        }
    }

    private static JsonNode element(JsonNode value, String datatype, String tensor, String where) {
        String problem = switch (datatype) {
            case "BOOL" -> value.isBoolean() ? null : "expected true or false";
            case "BYTES" -> value.isTextual() ? null : "expected a string";
            case "FP16" -> finiteWithin(value, FP16_MAX);
            case "FP32" -> finiteWithin(value, Float.MAX_VALUE);
            case "FP64" -> finiteWithin(value, Double.MAX_VALUE);
            default -> integerProblem(value, datatype);
        };
        if (problem != null) {
            throw new ApiError(400, "tensor '" + tensor + "' (" + datatype + "): element is " + describe(value) + "; " + problem, where);
        }
        return value;
    }

    private static String finiteWithin(JsonNode value, double max) {
        if (!value.isNumber()) {
            return "expected a number";
        }
        double d = value.doubleValue();
        return Double.isFinite(d) && Math.abs(d) <= max ? null : "expected a number within +-" + max;
    }

    private static String integerProblem(JsonNode value, String datatype) {
        if (!value.isIntegralNumber()) {
            return "expected an integer";
        }
        boolean unsigned = datatype.startsWith("U");
        int bits = Integer.parseInt(datatype.substring(unsigned ? 4 : 3));
        BigInteger v = value.bigIntegerValue();
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = unsigned ? (bits == 64 ? UINT64_MAX : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE))
                : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        return v.compareTo(min) < 0 || v.compareTo(max) > 0 ? "expected an integer in " + min + ".." + max : null;
    }

    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        String text = value.toString();
        return (text.length() > 40 ? text.substring(0, 40) + "..." : text) + " (" + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
