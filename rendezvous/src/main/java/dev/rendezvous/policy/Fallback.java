package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a policy serves when no acceptable model answered in time.
 *
 * @param output the JSON served in place of a model output
 * @param reason a note for people, e.g. "no model answered in time"; null when the policy gives none
 */
public record Fallback(JsonNode output, String reason) {
    public Fallback {
        Objects.requireNonNull(output, "fallback output");
        // JsonNode trees are mutable; a policy shared by every request must not be.
        output = output.deepCopy();
    }

    @Override
    public JsonNode output() {
        return output.deepCopy();
    }
}
