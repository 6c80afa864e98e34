package dev.rendezvous.model.runtimes.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.protocol.Tensor;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Locale;

/**
 * Converts between Open Inference Protocol JSON tensors ({@code name}, {@code datatype}, {@code shape},
 * {@code data} flat or nested, row-major) and {@link TensorValue}s, checking type, shape and every value.
 */
public final class TensorJson {
    /** A request tensor larger than this is refused rather than allocated: 16 M elements, 64 MB as FP32. */
    static final long MAX_ELEMENTS = 16L << 20;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TensorJson() {
    }

    /** Decodes a request's tensor for a model input, refusing another type or a shape that does not fit. */
    public static TensorValue decode(Tensor json, TensorSpec expected) throws TensorMismatchException {
        String given = json.datatype().trim().toUpperCase(Locale.ROOT);
        if (!given.equals(expected.type().oipName())) {
            throw new TensorMismatchException("input '" + json.name() + "' has datatype " + json.datatype() + "; the model expects "
                    + expected.type().oipName() + " (shape " + expected.shape() + ")");
        }
        long[] shape = shape(json);
        if (!expected.fits(shape)) {
            throw new TensorMismatchException("input '" + json.name() + "' has shape " + Arrays.toString(shape) + "; the model expects "
                    + expected.shape() + " (-1: any size)");
        }
        return values(json.name(), expected.type(), shape, json.data());
    }

    /** Decodes a tensor of any supported type and shape, e.g. an output of a remote model server. */
    public static TensorValue decode(Tensor json) throws TensorMismatchException {
        DataType type = DataType.fromOipName(json.datatype()).orElseThrow(() -> new TensorMismatchException("tensor '" + json.name()
                + "' has datatype " + json.datatype() + "; expected one of " + DataType.supportedNames()));
        return values(json.name(), type, shape(json), json.data());
    }

    /** An OIP output tensor: {@code {"name", "datatype", "shape", "data"}} with flat row-major data. */
    public static ObjectNode encode(String name, TensorValue value) {
        ObjectNode node = NODES.objectNode();
        node.put("name", name);
        node.put("datatype", value.type().oipName());
        ArrayNode shape = node.putArray("shape");
        for (long dim : value.shape()) {
            shape.add(dim);
        }
        ArrayNode data = node.putArray("data");
        for (int i = 0; i < value.size(); i++) {
            data.add(element(value, i));
        }
        return node;
    }

    /**
     * The values as nested JSON arrays (a scalar for rank 0). With {@code dropLeadingOne}, a leading
     * dimension of size 1 is left out: a {@code [1, 2]} row reads {@code [0.1, 0.9]}.
     */
    public static JsonNode nested(TensorValue value, boolean dropLeadingOne) {
        long[] shape = value.shape();
        int from = dropLeadingOne && shape.length > 0 && shape[0] == 1 ? 1 : 0;
        int[] at = {0};
        return nested(value, shape, from, at);
    }

    private static JsonNode nested(TensorValue value, long[] shape, int dim, int[] at) {
        if (dim == shape.length) {
            return element(value, at[0]++);
        }
        ArrayNode array = NODES.arrayNode((int) shape[dim]);
        for (long i = 0; i < shape[dim]; i++) {
            array.add(nested(value, shape, dim + 1, at));
        }
        return array;
    }

    private static JsonNode element(TensorValue value, int i) {
        return switch (value.type()) {
            case FP32 -> NODES.numberNode(value.floats()[i]);
            case FP64 -> NODES.numberNode(value.doubles()[i]);
            case INT32 -> NODES.numberNode(value.ints()[i]);
            case INT64 -> NODES.numberNode(value.longs()[i]);
            case BOOL -> NODES.booleanNode(value.booleans()[i]);
            case STRING -> NODES.textNode(value.strings()[i]);
        };
    }

    private static long[] shape(Tensor json) throws TensorMismatchException {
        long[] shape = new long[json.shape().size()];
        for (int d = 0; d < shape.length; d++) {
            Long dim = json.shape().get(d);
            if (dim == null || dim < 0) {
                throw new TensorMismatchException("tensor '" + json.name() + "' has shape " + json.shape() + "; every dimension must be 0 or more");
            }
            shape[d] = dim;
        }
        long elements = 1;
        for (long dim : shape) {
            elements = dim == 0 ? 0 : elements > MAX_ELEMENTS / dim ? MAX_ELEMENTS + 1 : elements * dim;
        }
        if (elements > MAX_ELEMENTS) {
            throw new TensorMismatchException("tensor '" + json.name() + "' has shape " + json.shape() + ", more than "
                    + MAX_ELEMENTS + " values");
        }
        return shape;
    }

    private static TensorValue values(String name, DataType type, long[] shape, JsonNode data) throws TensorMismatchException {
        int count = (int) TensorValue.elementCount(shape);
        Object values = Array.newInstance(type.elementClass(), count);
        Filler filler = new Filler(name, type, values);
        boolean nested = data.isArray() && !data.isEmpty() && data.get(0).isArray();
        if (nested) {
            filler.fillNested(data, shape, 0);
        } else if (data.isArray()) {
            if (data.size() != count) {
                throw new TensorMismatchException("tensor '" + name + "' has " + data.size() + " values in 'data'; shape "
                        + Arrays.toString(shape) + " needs " + count);
            }
            for (JsonNode element : data) {
                filler.add(element);
            }
        } else if (count == 1) {
            filler.add(data);
        } else {
            throw new TensorMismatchException("tensor '" + name + "' has a single value in 'data'; shape " + Arrays.toString(shape)
                    + " needs " + count);
        }
        return TensorValue.of(type, shape, values);
    }

    /** Writes checked JSON values one after the other into the flat array. */
    private static final class Filler {
        private final String name;
        private final DataType type;
        private final Object values;
        private int at;

        Filler(String name, DataType type, Object values) {
            this.name = name;
            this.type = type;
            this.values = values;
        }

        void fillNested(JsonNode data, long[] shape, int dim) throws TensorMismatchException {
            if (dim == shape.length) {
                add(data);
                return;
            }
            if (!data.isArray() || data.size() != shape[dim]) {
                throw new TensorMismatchException("tensor '" + name + "': nested 'data' does not match shape " + Arrays.toString(shape)
                        + " at dimension " + dim + " (expected " + shape[dim] + " entries, got "
                        + (data.isArray() ? data.size() + "" : "a single value") + ")");
            }
            for (JsonNode element : data) {
                fillNested(element, shape, dim + 1);
            }
        }

        void add(JsonNode value) throws TensorMismatchException {
            switch (type) {
                case FP32 -> {
                    float f = number(value).floatValue();
                    if (Float.isInfinite(f)) {
                        throw wrong(value, "a number within FP32 range");
                    }
                    ((float[]) values)[at] = f;
                }
                case FP64 -> ((double[]) values)[at] = number(value).doubleValue();
                case INT32 -> {
                    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                        throw wrong(value, "a whole number within INT32 range");
                    }
                    ((int[]) values)[at] = value.intValue();
                }
                case INT64 -> {
                    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                        throw wrong(value, "a whole number within INT64 range");
                    }
                    ((long[]) values)[at] = value.longValue();
                }
                case BOOL -> {
                    if (!value.isBoolean()) {
                        throw wrong(value, "true or false");
                    }
                    ((boolean[]) values)[at] = value.booleanValue();
                }
                case STRING -> {
                    if (!value.isTextual()) {
                        throw wrong(value, "a string");
                    }
                    ((String[]) values)[at] = value.textValue();
                }
            }
            at++;
        }

        private JsonNode number(JsonNode value) throws TensorMismatchException {
            if (!value.isNumber()) {
                throw wrong(value, "a number");
            }
            return value;
        }

        private TensorMismatchException wrong(JsonNode value, String expected) {
            String text = value.toString();
            return new TensorMismatchException("tensor '" + name + "' value " + at + " is " + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                    + " (" + value.getNodeType().name().toLowerCase(Locale.ROOT) + "); " + type.oipName() + " needs " + expected);
        }
    }
}
