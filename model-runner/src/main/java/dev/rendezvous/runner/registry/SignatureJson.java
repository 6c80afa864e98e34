package dev.rendezvous.runner.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.runner.api.Signature;
import dev.rendezvous.runner.api.TensorSpec;
import java.util.List;

/**
 * A model's signature as published in its registration, in OIP model-metadata terms:
 * {@code {"inputs": [{"name", "datatype", "shape"}], "outputs": [...]}}, {@code -1} for a dynamic dimension.
 */
public final class SignatureJson {
    private SignatureJson() {
    }

    public static ObjectNode toJson(Signature signature) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        add(json.putArray("inputs"), signature.inputs());
        add(json.putArray("outputs"), signature.outputs());
        return json;
    }

    private static void add(ArrayNode array, List<TensorSpec> specs) {
        for (TensorSpec spec : specs) {
            ObjectNode node = array.addObject();
            node.put("name", spec.name());
            node.put("datatype", spec.type().oipName());
            ArrayNode shape = node.putArray("shape");
            spec.shape().forEach(shape::add);
        }
    }
}
