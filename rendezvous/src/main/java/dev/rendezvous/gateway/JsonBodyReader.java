package dev.rendezvous.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a scoring body as a JSON object within the gateway's limits — content type, nesting depth,
 * array length, one value with nothing after it, no duplicate keys, finite numbers — and says
 * precisely what is wrong (in its own words, see {@link JsonSyntaxErrors}) when it is not one.
 */
final class JsonBodyReader {
    private final ObjectMapper mapper;
    private final int maxDepth;
    private final int maxArrayLength;

    JsonBodyReader(int maxDepth, int maxArrayLength) {
        this.maxDepth = maxDepth;
        this.maxArrayLength = maxArrayLength;
        // A copy, so that the wire codec's own (looser) limits stay as they are.
        this.mapper = JsonCodec.mapper().copy();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(1 << 20)
                .maxNumberLength(100)
                .build());
        // Duplicate keys are refused already: the wire codec's mapper, copied here, enables STRICT_DUPLICATE_DETECTION.
    }

    /**
     * 415 unless the content type is {@code application/json}, with parameters allowed (a charset must
     * be UTF-8, the only encoding JSON has); a missing one is taken as JSON: curl users forget it.
     */
    static void requireJson(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        String problem = contentTypeProblem(contentType);
        if (problem != null) {
            throw new ApiError(415, "Content-Type must be application/json (parameters such as charset=utf-8 allowed), was '"
                    + CallerHeaders.abbreviate(contentType) + "'" + problem, "header Content-Type");
        }
    }

    /** Null when acceptable, else what is wrong (empty when the media type itself is another). */
    static String contentTypeProblem(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";", -1);
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return "";
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int equals = parameter.indexOf('=');
            if (equals < 1) {
                return ": parameter '" + CallerHeaders.abbreviate(parameter) + "' is not name=value";
            }
            String name = parameter.substring(0, equals).trim();
            String value = parameter.substring(equals + 1).trim().replace("\"", "");
            if (name.equalsIgnoreCase("charset") && !value.equalsIgnoreCase("utf-8")) {
                return ": JSON is UTF-8, so charset must be utf-8";
            }
        }
        return null;
    }

    /**
     * Parses the body, strictly: one JSON object and nothing after it but white space, no key twice in
     * an object, every number finite. {@code expected} completes "expected a JSON object with ..." in
     * error messages.
     */
    ObjectNode readObject(Buffer buffer, String expected) {
        if (buffer == null || buffer.length() == 0) {
            throw new ApiError(400, "the body is empty; expected a JSON object with " + expected, "body");
        }
        JsonNode node;
        try (JsonParser parser = mapper.createParser(buffer.getBytes())) {
            node = mapper.readTree(parser);
            if (node != null) {
                requireNothingAfter(parser);
            }
        } catch (JsonProcessingException e) {
            throw JsonSyntaxErrors.describe(e, "nesting depth at most " + maxDepth + ", numbers of at most 100 digits");
        } catch (IOException e) {
            throw new ApiError(400, "the body cannot be read", "body");
        }
        if (node == null || !node.isObject()) {
            throw new ApiError(400, "the body must be a JSON object with " + expected, "body");
        }
        requireWithinLimits(node, "body");
        return (ObjectNode) node;
    }

    /**
     * An admin API body: a JSON content type, one object read as strictly as a scoring body
     * ({@link #readObject}), and no member but {@code fields} (400 naming the first other one).
     */
    ObjectNode readAdminObject(RoutingContext ctx, java.util.Collection<String> fields, String expected) {
        requireJson(ctx);
        ObjectNode body = readObject(ctx.body() == null ? null : ctx.body().buffer(), expected);
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new ApiError(400, "unknown field '" + name + "'; expected " + String.join(", ", fields), "body." + name);
            }
        }
        return body;
    }

    private static void requireNothingAfter(JsonParser parser) throws IOException {
        JsonLocation after = parser.currentLocation();
        try {
            if (parser.nextToken() != null) {
                throw JsonSyntaxErrors.trailing(parser.currentTokenLocation());
            }
        } catch (JsonProcessingException e) {
            // Not even a token (" xyz", a NUL): still something after the object.
            throw JsonSyntaxErrors.trailing(e.getLocation() != null ? e.getLocation() : after);
        }
    }

    /** Arrays within the length limit, and no number that overflowed to infinity ({@code 1e309}: JSON has no infinities). */
    private void requireWithinLimits(JsonNode node, String path) {
        if (node.isArray()) {
            if (node.size() > maxArrayLength) {
                throw new ApiError(400, "an array has " + node.size() + " elements; at most " + maxArrayLength + " are accepted", path);
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                if (element.isContainerNode()) {
                    requireWithinLimits(element, path + "[" + i + "]");
                } else {
                    requireFinite(element, path + "[" + i + "]");
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isContainerNode()) {
                    requireWithinLimits(field.getValue(), path + "." + field.getKey());
                } else {
                    requireFinite(field.getValue(), path + "." + field.getKey());
                }
            }
        }
    }

    private static void requireFinite(JsonNode value, String path) {
        if (value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
            throw new ApiError(400, "a number is beyond the range of a double (about +-1.8e308); JSON has no infinities", path);
        }
    }
}
