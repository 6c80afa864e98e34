package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.Outcome;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the Open Inference Protocol infer response from a decision. A request sent as tensors is
 * answered with the model's output tensors as the runner wrote them (datatype, shape, flat data).
 * Otherwise the served output is an object keyed by output name holding this request's row; each
 * member becomes one tensor with a leading batch dimension of 1: numbers FP32, booleans BOOL,
 * strings (and {@code label}, whatever its type) BYTES.
 */
final class OipResponses {
    /** Status and body of one answer. */
    record Answer(int status, ObjectNode body) {
    }

    private OipResponses() {
    }

    /** The answer without explanation, to a request that a decision reached. */
    static Answer infer(String app, String requestId, Decision decision, DeadlineBudget budget, long latencyMs, List<String> requestedOutputs) {
        return infer(app, requestId, Reply.of(decision), null, false, budget, latencyMs, requestedOutputs);
    }

    /**
     * @param reply            the decision, or none in time
     * @param gatewayView      when no decision arrived: what the gateway knows of the app's models (its {@code late}); else null
     * @param explain          whether the caller asked for the decision's candidates and split variant
     * @param requestedOutputs names of the outputs asked for; empty for all
     */
    static Answer infer(String app, String requestId, Reply reply, TimeoutForensics.GatewayView gatewayView, boolean explain,
                        DeadlineBudget budget, long latencyMs, List<String> requestedOutputs) {
        // Below, a null decision is the gateway's own timeout, as the parameters' builder expects.
        Decision decision = reply instanceof Reply.Decided decided ? decided.decision() : null;
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        if (decision == null || decision.outcome() == Outcome.TIMEOUT) {
            body.put("error", decision == null
                    ? "no decision arrived within the deadline of " + budget.ms() + " ms"
                    : "no model answered within the deadline of " + budget.ms() + " ms and the policy has no fallback");
            body.put("where", "deadline");
            body.put("status", 504);
            body.put("id", requestId);
            body.set("parameters", parameters(decision, gatewayView, explain, budget, latencyMs));
            return new Answer(504, body);
        }
        body.put("model_name", app);
        if (decision.outcome() == Outcome.MODEL) {
            body.put("model_version", decision.model() + "@" + decision.version());
        }
        body.put("id", requestId);
        body.set("parameters", parameters(decision, null, explain, budget, latencyMs));
        ArrayNode outputs = body.putArray("outputs");
        List<String> missing = new ArrayList<>(requestedOutputs);
        for (ObjectNode tensor : tensors(decision.output())) {
            String name = tensor.path("name").asText();
            if (requestedOutputs.isEmpty() || requestedOutputs.contains(name)) {
                outputs.add(tensor);
                missing.remove(name);
            }
        }
        if (!missing.isEmpty()) {
            ((ObjectNode) body.get("parameters")).put("missing_outputs", String.join(",", missing));
        }
        return new Answer(200, body);
    }

    /**
     * OIP parameters are flat: strings, numbers and booleans only, so lists are comma-joined, the
     * candidates (objects) travel as their JSON text, and a split variant the request has none of is left out.
     */
    private static ObjectNode parameters(Decision decision, TimeoutForensics.GatewayView gatewayView, boolean explain, DeadlineBudget budget,
                                         long latencyMs) {
        ObjectNode parameters = JsonCodec.mapper().createObjectNode();
        if (decision != null) {
            parameters.put("outcome", decision.outcome().wireName());
            parameters.put("served_model", decision.outcome() == Outcome.MODEL ? decision.model() + "@" + decision.version() : decision.outcome().wireName());
            parameters.put("reason", decision.reason());
            parameters.put("late", String.join(",", decision.late()));
            parameters.put("policy_version", decision.policyVersion());
            if (explain) {
                parameters.put("candidates", JsonCodec.mapper().valueToTree(decision.candidates()).toString());
                putSplitVariant(parameters, decision.splitVariant());
            }
        } else {
            parameters.put("outcome", Outcome.TIMEOUT.wireName());
            parameters.put("reason", "timeout");
            if (gatewayView != null) {
                parameters.put("late", String.join(",", gatewayView.late()));
                if (explain) {
                    putSplitVariant(parameters, gatewayView.splitVariant());
                    parameters.put("explanation", gatewayView.explanation());
                }
            }
        }
        parameters.put("deadline_ms", budget.ms());
        parameters.put("deadline_clamped", budget.clamped());
        parameters.put("latency_ms", latencyMs);
        return parameters;
    }

    private static void putSplitVariant(ObjectNode parameters, Integer splitVariant) {
        if (splitVariant != null) {
            parameters.put("split_variant", splitVariant);
        }
    }

    /**
     * The output tensors of one served output: in the tensor form a runner writes for a request that
     * came with tensors ({@code {"outputs": [{"name", "datatype", "shape", "data"}]}}) each as the
     * model gave it; otherwise one tensor per member.
     */
    static List<ObjectNode> tensors(JsonNode output) {
        List<ObjectNode> tensors = new ArrayList<>();
        if (output == null || output.isNull()) {
            return tensors;
        }
        if (isTensorForm(output)) {
            for (JsonNode given : output.get("outputs")) {
                ObjectNode tensor = asIs(given);
                if (tensor != null) {
                    tensors.add(tensor);
                }
            }
            return tensors;
        }
        if (!output.isObject()) {
            tensors.add(tensor("output", output, false));
            return tensors;
        }
        for (Iterator<Map.Entry<String, JsonNode>> members = output.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            ObjectNode tensor = tensor(member.getKey(), member.getValue(), member.getKey().equals("label"));
            if (tensor != null) {
                tensors.add(tensor);
            }
        }
        return tensors;
    }

    /**
     * The runner's form for tensor requests: the only member is {@code outputs}, an array of objects.
     * A features-form output of a model whose output is called {@code outputs} holds numbers there, not objects.
     */
    private static boolean isTensorForm(JsonNode output) {
        JsonNode list = output.path("outputs");
        if (output.size() != 1 || !list.isArray()) {
            return false;
        }
        for (JsonNode element : list) {
            if (!element.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** A tensor the model already described, with flat data that fills its shape; null when it is not one. */
    private static ObjectNode asIs(JsonNode given) {
        JsonNode name = given.path("name");
        JsonNode datatype = given.path("datatype");
        JsonNode shape = given.path("shape");
        JsonNode data = given.path("data");
        if (!name.isTextual() || !datatype.isTextual() || !shape.isArray() || !data.isArray()) {
            return null;
        }
        long elements = 1;
        for (JsonNode dim : shape) {
            if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.asLong() < 0
                    || (dim.asLong() > 0 && elements > Integer.MAX_VALUE / dim.asLong())) {
                return null;
            }
            elements *= dim.asLong();
        }
        for (JsonNode element : data) {
            if (element.isContainerNode()) {
                return null;
            }
        }
        if (elements != data.size()) {
            return null;
        }
        ObjectNode tensor = JsonCodec.mapper().createObjectNode();
        tensor.set("name", name);
        tensor.set("datatype", datatype);
        tensor.set("shape", shape);
        tensor.set("data", data);
        return tensor;
    }

    /** One member as a tensor of shape [1, ...its own dimensions], or null when it is not a rectangular array of scalars. */
    private static ObjectNode tensor(String name, JsonNode value, boolean forceBytes) {
        List<Long> shape = new ArrayList<>(List.of(1L));
        ArrayNode data = JsonCodec.mapper().createArrayNode();
        if (!flatten(value, 0, shape, data) || data.size() != shape.stream().reduce(1L, Math::multiplyExact)) {
            return null; // ragged: no tensor describes it
        }
        String datatype = forceBytes ? "BYTES" : datatypeOf(data);
        if (datatype == null) {
            return null;
        }
        if (datatype.equals("BYTES")) {
            ArrayNode texts = JsonCodec.mapper().createArrayNode();
            data.forEach(element -> texts.add(element.asText()));
            data = texts;
        }
        ObjectNode tensor = JsonCodec.mapper().createObjectNode();
        tensor.put("name", name);
        tensor.put("datatype", datatype);
        ArrayNode shapeNode = tensor.putArray("shape");
        shape.forEach(shapeNode::add);
        tensor.set("data", data);
        return tensor;
    }

    /** Flattens row-major, recording each dimension the first time it is seen and refusing ragged arrays. */
    private static boolean flatten(JsonNode value, int depth, List<Long> shape, ArrayNode into) {
        if (!value.isArray()) {
            if (value.isContainerNode() || value.isNull() || depth + 1 < shape.size()) {
                return false;
            }
            into.add(value);
            return true;
        }
        int dim = depth + 1;
        if (shape.size() == dim) {
            shape.add((long) value.size());
        } else if (shape.size() < dim || shape.get(dim) != value.size()) {
            return false;
        }
        for (JsonNode element : value) {
            if (!flatten(element, depth + 1, shape, into)) {
                return false;
            }
        }
        return true;
    }

    private static String datatypeOf(ArrayNode data) {
        boolean numbers = true;
        boolean booleans = true;
        boolean texts = true;
        for (JsonNode element : data) {
            numbers &= element.isNumber();
            booleans &= element.isBoolean();
            texts &= element.isTextual();
        }
        return data.isEmpty() || numbers ? "FP32" : booleans ? "BOOL" : texts ? "BYTES" : null;
    }
}
