package dev.rendezvous.replay.answer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.model.api.manifest.OutputMapping;
import dev.rendezvous.protocol.JsonCodec;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the label and the score out of a model output, as one manifest's output mapping describes it.
 *
 * <p>Label: the output's {@code label} member (the runner's argmax over {@code output.labels}). Score:
 * the column of the positive label (e.g. {@code fraud}) in the output tensor ({@code output.tensor}, or
 * the output's first array member) when the manifest lists that label; otherwise the tensor's first
 * value; a bare number output is its own score. A nested tensor ({@code [[...]]}) is read by its first row.
 * An Open Inference Protocol output ({@code {"outputs":[{name, datatype, shape, data}]}}, for requests
 * sent as tensors) is read the same way from the {@code data} of the tensor named {@code output.tensor}
 * (else the first); it has no label.
 */
public final class AnswerReader {
    private final String tensor;
    private final int positiveColumn;

    public AnswerReader(OutputMapping mapping, String positiveLabel) {
        this.tensor = mapping.tensor();
        this.positiveColumn = Math.max(0, mapping.labels().indexOf(positiveLabel));
    }

    public Answer read(JsonNode output) {
        if (output == null || output.isNull()) {
            return Answer.failed("no-output");
        }
        JsonNode label = output.path("label");
        return new Answer(label.isTextual() ? label.asText() : null, score(output), null);
    }

    private double score(JsonNode output) {
        if (output.isNumber()) {
            return wireValue(output);
        }
        JsonNode values = output.path("outputs").isArray() ? oipData(output.get("outputs"))
                : tensor != null && output.has(tensor) ? output.get(tensor) : firstArray(output);
        while (values != null && values.isArray() && !values.isEmpty() && values.get(0).isArray()) {
            values = values.get(0);
        }
        if (values == null || !values.isArray() || values.isEmpty()) {
            return values != null && values.isNumber() ? wireValue(values) : Double.NaN;
        }
        JsonNode value = values.get(positiveColumn < values.size() ? positiveColumn : 0);
        return value.isNumber() ? wireValue(value) : Double.NaN;
    }

    private JsonNode oipData(JsonNode outputs) {
        for (JsonNode candidate : outputs) {
            if (tensor == null || tensor.equals(candidate.path("name").asText())) {
                return candidate.get("data");
            }
        }
        return outputs.isEmpty() ? null : outputs.get(0).get("data");
    }

    private static JsonNode firstArray(JsonNode output) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = output.fields(); fields.hasNext(); ) {
            JsonNode value = fields.next().getValue();
            if (value.isArray()) {
                return value;
            }
        }
        return null;
    }

    /**
     * The number as it travels on the wire: a served score is the JSON text of the runner's FLOAT, read
     * back as a double, so a replayed FLOAT goes through the same text to compare equal when it is equal.
     */
    private static double wireValue(JsonNode number) {
        if (!number.isFloat()) {
            return number.doubleValue();
        }
        try {
            return Double.parseDouble(JsonCodec.mapper().writeValueAsString(number));
        } catch (JsonProcessingException e) {
            return number.doubleValue();
        }
    }
}
