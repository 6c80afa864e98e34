package dev.rendezvous.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What the analytics compares in a model's output: its {@code label} (the runner adds the argmax
 * label when the manifest names labels) and its <em>score</em>, the first number of its first output
 * (for the demo models the probability of {@code fraud}, the first label). Tensor-form outputs
 * ({@code {"outputs": [{"data": [...]}]}}) give the first number of their first tensor's data.
 */
final class ScoreReading {
    private ScoreReading() {
    }

    /** The output's label, or null when it has none. */
    static String label(JsonNode output) {
        JsonNode label = output == null ? null : output.get("label");
        return label != null && label.isTextual() ? label.asText() : null;
    }

    /** The output's score, or NaN when it has no number. */
    static double score(JsonNode output) {
        if (output == null) {
            return Double.NaN;
        }
        JsonNode tensors = output.get("outputs");
        if (output.isObject() && tensors != null && tensors.isArray() && !tensors.isEmpty()) {
            return firstNumber(tensors.get(0).get("data"));
        }
        if (!output.isObject()) {
            return firstNumber(output);
        }
        for (Iterator<Map.Entry<String, JsonNode>> members = output.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            if (!"label".equals(member.getKey())) {
                double value = firstNumber(member.getValue());
                if (!Double.isNaN(value)) {
                    return value;
                }
            }
        }
        return Double.NaN;
    }

    private static double firstNumber(JsonNode node) {
        if (node == null) {
            return Double.NaN;
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                double value = firstNumber(element);
                if (!Double.isNaN(value)) {
                    return value;
                }
            }
        }
        return Double.NaN;
    }
}
