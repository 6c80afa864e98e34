package dev.rendezvous.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a scoring body as a JSON object within the gateway's limits — content type, nesting depth,
 * array length — and says precisely what is wrong when it is not one.
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
    }

    /** 415 unless the content type is JSON (a missing one is taken as JSON: curl users forget it). */
    static void requireJson(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiError(415, "Content-Type must be application/json, was '" + contentType + "'", "header Content-Type");
        }
    }

    /** Parses the body; {@code expected} completes "expected a JSON object with ..." in error messages. */
    ObjectNode readObject(Buffer buffer, String expected) {
        if (buffer == null || buffer.length() == 0) {
            throw new ApiError(400, "the body is empty; expected a JSON object with " + expected, "body");
        }
        JsonNode node;
        try {
            node = mapper.readTree(buffer.getBytes());
        } catch (StreamConstraintsException e) {
            throw new ApiError(400, "the body exceeds a JSON limit: " + e.getOriginalMessage()
                    + " (nesting depth at most " + maxDepth + ")", "body");
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", "body");
        } catch (IOException e) {
            throw new ApiError(400, "the body cannot be read: " + e.getMessage(), "body");
        }
        if (node == null || !node.isObject()) {
            throw new ApiError(400, "the body must be a JSON object with " + expected, "body");
        }
        requireShortArrays(node, "body");
        return (ObjectNode) node;
    }

    private void requireShortArrays(JsonNode node, String path) {
        if (node.isArray()) {
            if (node.size() > maxArrayLength) {
                throw new ApiError(400, "an array has " + node.size() + " elements; at most " + maxArrayLength + " are accepted", path);
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                if (element.isContainerNode()) {
                    requireShortArrays(element, path + "[" + i + "]");
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isContainerNode()) {
                    requireShortArrays(field.getValue(), path + "." + field.getKey());
                }
            }
        }
    }
}
