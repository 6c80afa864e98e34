package dev.rendezvous.model.runtimes.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.OutputMapping;
import dev.rendezvous.model.runtimes.tensor.TensorJson;
import java.util.List;
import java.util.Map;

/**
 * Writes one request's outputs in the form its inputs came in: for named features
 * {@code {"<output>": <this request's row, nested>, ..., "label": "<argmax>"}}; for tensors the OIP
 * shape {@code {"outputs": [{"name", "datatype", "shape", "data"}]}} with flat row-major data.
 */
final class ScoreOutputs {
    /** The member added to a features-form output when labels are known (unless the model has an output of that name). */
    static final String LABEL = "label";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<String> labels;
    private final String labelledOutput;

    ScoreOutputs(OutputMapping mapping, List<String> outputNames) {
        this.labels = mapping.labels();
        this.labelledOutput = mapping.tensor() != null ? mapping.tensor() : outputNames.get(0);
    }

    JsonNode write(RequestTensors.Form form, Map<String, TensorValue> outputs) {
        if (form == RequestTensors.Form.TENSORS) {
            ObjectNode body = NODES.objectNode();
            ArrayNode list = body.putArray("outputs");
            outputs.forEach((name, value) -> list.add(TensorJson.encode(name, value)));
            return body;
        }
        ObjectNode body = NODES.objectNode();
        outputs.forEach((name, value) -> body.set(name, TensorJson.nested(value, true)));
        addLabel(body);
        return body;
    }

    private void addLabel(ObjectNode output) {
        JsonNode row = output.get(labelledOutput);
        if (labels.isEmpty() || output.has(LABEL) || row == null || !row.isArray() || row.size() != labels.size()) {
            return;
        }
        int best = -1;
        for (int j = 0; j < row.size(); j++) {
            double value = row.get(j).asDouble(Double.NaN);
            if (!Double.isNaN(value) && (best < 0 || value > row.get(best).asDouble())) {
                best = j;
            }
        }
        if (best >= 0) {
            output.put(LABEL, labels.get(best));
        }
    }
}
