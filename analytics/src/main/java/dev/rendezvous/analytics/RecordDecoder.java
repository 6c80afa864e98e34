package dev.rendezvous.analytics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.RequestIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the few fields the analytics counts from a score or a decision with Jackson's streaming
 * parser, skipping the rest (inputs' echoes, batch identity, the decision's output and reasons)
 * without building it. Decoding whole records into {@code ModelScore} and {@code Decision} was a
 * good part of the service's CPU per request (docs/performance.md); the rendezvous validates the
 * records fully, this only needs them to be readable.
 */
final class RecordDecoder {
    private static final JsonFactory FACTORY = JsonCodec.mapper().getFactory();

    private RecordDecoder() {
    }

    /**
     * What a score says about its model's answer.
     *
     * @param score the output's score ({@link ScoreReading}); NaN for an error or an output without a number
     * @param error the error code; null for an output
     */
    record ScoreSeen(String originKey, String ref, ModelRole role, String label, double score, String error, long scoredAtMs) {
    }

    /**
     * What a decision says about its request.
     *
     * @param served   {@code name@version} of the served model; null for a fallback or a timeout
     * @param arrivals per candidate {@code name@version}, its answer's arrival (ms after receipt)
     */
    record DecisionSeen(String originKey, String served, long receivedAtMs, List<String> late, Map<String, Long> arrivals) {
    }

    /** The score's fields; {@link IllegalArgumentException} when it is not a readable score. */
    static ScoreSeen score(byte[] bytes) {
        String requestId = null;
        String nonce = null;
        String model = null;
        String version = null;
        String role = null;
        JsonNode output = null;
        String error = null;
        boolean failed = false;
        long scoredAtMs = 0;
        try (JsonParser p = FACTORY.createParser(bytes)) {
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "requestId" -> requestId = text(p, value);
                    case "nonce" -> nonce = text(p, value);
                    case "model" -> model = text(p, value);
                    case "version" -> version = text(p, value);
                    case "role" -> role = text(p, value);
                    case "scoredAtMs" -> scoredAtMs = value.isNumeric() ? p.getLongValue() : 0;
                    case "output" -> output = value == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                    case "error" -> {
                        if (value == JsonToken.START_OBJECT) {
                            failed = true;
                            error = errorCode(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON score: " + e.getMessage(), e);
        }
        if (requestId == null || model == null || version == null || (output == null) == !failed) {
            throw new IllegalArgumentException("a score needs requestId, model, version and exactly one of output and error");
        }
        ModelRole parsedRole = ModelRole.parse(role);
        String originKey = RequestIds.originKey(requestId, nonce);
        if (failed) {
            return new ScoreSeen(originKey, model + "@" + version, parsedRole, null, Double.NaN, error, scoredAtMs);
        }
        return new ScoreSeen(originKey, model + "@" + version, parsedRole, ScoreReading.label(output), ScoreReading.score(output), null, scoredAtMs);
    }

    /** The decision's fields; {@link IllegalArgumentException} when it is not a readable decision. */
    static DecisionSeen decision(byte[] bytes) {
        String requestId = null;
        String nonce = null;
        String model = null;
        String version = null;
        long receivedAtMs = 0;
        boolean received = false;
        List<String> late = List.of();
        Map<String, Long> arrivals = Map.of();
        try (JsonParser p = FACTORY.createParser(bytes)) {
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "requestId" -> requestId = text(p, value);
                    case "nonce" -> nonce = text(p, value);
                    case "model" -> model = text(p, value);
                    case "version" -> version = text(p, value);
                    case "receivedAtMs" -> {
                        received = value.isNumeric();
                        receivedAtMs = received ? p.getLongValue() : 0;
                    }
                    case "late" -> late = strings(p, value);
                    case "candidates" -> arrivals = arrivals(p, value);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON decision: " + e.getMessage(), e);
        }
        if (requestId == null || !received) {
            throw new IllegalArgumentException("a decision needs requestId and receivedAtMs");
        }
        String served = model != null && version != null ? model + "@" + version : null;
        return new DecisionSeen(RequestIds.originKey(requestId, nonce), served, receivedAtMs, late, arrivals);
    }

    private static void expectObject(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("expected a JSON object");
        }
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static String errorCode(JsonParser p) throws IOException {
        String code = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("code".equals(field)) {
                code = text(p, value);
            } else {
                p.skipChildren();
            }
        }
        return code == null ? "unknown" : code;
    }

    private static List<String> strings(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            String s = text(p, t);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private static Map<String, Long> arrivals(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>(8);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String model = null;
            String version = null;
            Long arrivalMs = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "model" -> model = text(p, v);
                    case "version" -> version = text(p, v);
                    case "arrivalMs" -> arrivalMs = v.isNumeric() ? p.getLongValue() : null;
                    default -> p.skipChildren();
                }
            }
            if (model != null && version != null && arrivalMs != null) {
                out.put(model + "@" + version, arrivalMs);
            }
        }
        return out;
    }
}
