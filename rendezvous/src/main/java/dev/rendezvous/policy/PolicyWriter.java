package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import java.util.List;

/**
 * Writes a policy back as the JSON document {@link PolicyParser} reads, e.g. for the admin API;
 * the version is left out, since it belongs to the stored record, not to the document.
 */
public final class PolicyWriter {
    private PolicyWriter() {
    }

    public static ObjectNode toJson(Policy policy) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("app", policy.app());
        root.put("deadline", Durations.format(policy.deadlineMs()));
        ArrayNode stages = root.putArray("stages");
        for (Stage stage : policy.stages()) {
            ObjectNode stageNode = stages.addObject();
            stageNode.put("until", Durations.format(stage.untilMs()));
            writeSelectors(stageNode.putArray("accept"), stage.accept());
        }
        if (!policy.split().isEmpty()) {
            ArrayNode split = root.putArray("split");
            for (SplitVariant variant : policy.split()) {
                ObjectNode variantNode = split.addObject();
                variantNode.put("weight", variant.weight());
                writeSelectors(variantNode.putArray("prefer"), variant.prefer());
            }
        }
        if (policy.fallback() != null) {
            ObjectNode fallback = root.putObject("fallback");
            fallback.set("output", policy.fallback().output());
            if (policy.fallback().reason() != null) {
                fallback.put("reason", policy.fallback().reason());
            }
        }
        return root;
    }

    private static void writeSelectors(ArrayNode array, List<Selector> selectors) {
        selectors.forEach(selector -> array.add(selector.text()));
    }
}
