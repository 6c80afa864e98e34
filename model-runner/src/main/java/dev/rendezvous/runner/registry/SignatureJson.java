package dev.rendezvous.runner.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.manifest.InputMapping;
import java.util.List;

/**
 * A model's signature as published in its registration, in OIP model-metadata terms:
 * {@code {"inputs": [{"name", "datatype", "shape"}], "outputs": [...]}}, {@code -1} for a dynamic dimension;
 * for a model whose manifest maps named features onto its input, also
 * {@code "features": [{"name", "datatype"}]} in column order, so that the gateway can refuse a
 * request whose features this model would refuse (issue 22).
 */
public final class SignatureJson {
    private SignatureJson() {
    }

    public static ObjectNode toJson(Signature signature) {
        return toJson(signature, null);
    }

    /** @param features the manifest's features mapping, or null when the model takes tensors only */
    public static ObjectNode toJson(Signature signature, InputMapping features) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        add(json.putArray("inputs"), signature.inputs());
        add(json.putArray("outputs"), signature.outputs());
        if (features != null) {
            String datatype = signature.input(features.tensor()).map(spec -> spec.type().oipName()).orElse("FP32");
            ArrayNode named = json.putArray("features");
            features.features().forEach(name -> named.addObject().put("name", name).put("datatype", datatype));
        }
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
