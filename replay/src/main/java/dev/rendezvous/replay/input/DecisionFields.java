package dev.rendezvous.replay.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;

/**
 * The few fields of an archived {@code Decision} a comparison needs, read by streaming past the rest
 * (candidates, late, timings): binding whole decisions was a third of a replay's time, measured.
 *
 * @param outcome {@code model}, {@code fallback} or {@code timeout}, as on the wire
 * @param output  what was served; null on timeout
 */
record DecisionFields(String requestId, String outcome, String model, String version, JsonNode output) {
    private static final ObjectMapper JSON = JsonCodec.mapper();

    /** The decision's fields, or null when the bytes are not a decision with a request id and an outcome. */
    static DecisionFields read(byte[] value) {
        if (value == null) {
            return null;
        }
        String requestId = null;
        String outcome = null;
        String model = null;
        String version = null;
        JsonNode output = null;
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "requestId" -> requestId = parser.getValueAsString();
                    case "outcome" -> outcome = parser.getValueAsString();
                    case "model" -> model = parser.getValueAsString();
                    case "version" -> version = parser.getValueAsString();
                    case "output" -> output = token == JsonToken.VALUE_NULL ? null : JSON.readTree(parser);
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return requestId == null || outcome == null ? null : new DecisionFields(requestId, outcome, model, version, output);
    }
}
