package dev.rendezvous.model.runtimes.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.runtimes.tensor.TensorJson;
import dev.rendezvous.model.runtimes.tensor.TensorMismatchException;
import dev.rendezvous.protocol.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Open Inference Protocol v2 REST messages the remote runtime sends and reads: model metadata, inference request and response. */
final class OipMessages {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OipMessages() {
    }

    /** The signature from {@code GET /v2/models/{model}}: {@code {"inputs": [{"name", "datatype", "shape"}], "outputs": [...]}}. */
    static Signature signature(JsonNode metadata) {
        return new Signature(specs(metadata, "inputs"), specs(metadata, "outputs"));
    }

    private static List<TensorSpec> specs(JsonNode metadata, String field) {
        JsonNode list = metadata.get(field);
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("the metadata has no '" + field + "' list");
        }
        List<TensorSpec> specs = new ArrayList<>();
        for (JsonNode node : list) {
            String name = node.path("name").asText(null);
            String datatype = node.path("datatype").asText(null);
            DataType type = DataType.fromOipName(datatype).orElseThrow(() -> new IllegalArgumentException(field + " '" + name
                    + "' has datatype " + datatype + "; this runner supports " + DataType.supportedNames()));
            List<Long> shape = new ArrayList<>();
            node.path("shape").forEach(dim -> shape.add(dim.asLong()));
            specs.add(new TensorSpec(name, type, shape));
        }
        return specs;
    }

    /**
     * An inference request: {@code {"parameters": {"timeout": <µs>}, "inputs": [{"name", "datatype", "shape", "data"}]}}.
     * OIP leaves {@code timeout}'s unit to the server; Triton and KServe read microseconds.
     */
    static ObjectNode inferRequest(String id, Map<String, TensorValue> inputs, long timeoutMicros) {
        ObjectNode body = NODES.objectNode();
        if (id != null) {
            body.put("id", id);
        }
        body.putObject("parameters").put("timeout", timeoutMicros);
        ArrayNode list = body.putArray("inputs");
        inputs.forEach((name, value) -> list.add(TensorJson.encode(name, value)));
        return body;
    }

    /** The outputs of an inference response, by name. */
    static Map<String, TensorValue> outputs(JsonNode response) throws TensorMismatchException {
        JsonNode list = response.get("outputs");
        if (list == null || !list.isArray()) {
            throw new TensorMismatchException("the response has no 'outputs' list");
        }
        Map<String, TensorValue> outputs = new LinkedHashMap<>();
        for (JsonNode node : list) {
            String name = node.path("name").asText("?");
            List<Long> shape = new ArrayList<>();
            node.path("shape").forEach(dim -> shape.add(dim.asLong()));
            JsonNode data = node.get("data");
            if (!node.path("datatype").isTextual() || data == null) {
                throw new TensorMismatchException("output '" + name + "' lacks 'datatype' or 'data'");
            }
            outputs.put(name, TensorJson.decode(new Tensor(name, node.get("datatype").asText(), shape, data)));
        }
        return outputs;
    }
}
