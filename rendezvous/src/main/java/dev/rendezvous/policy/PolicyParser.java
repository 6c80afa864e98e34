package dev.rendezvous.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates a policy document, YAML or JSON; an invalid one is rejected with every
 * problem found, each naming its field path (e.g. {@code stages[1].until}).
 */
public final class PolicyParser {
    // Duplicate keys are rejected: in a policy, a second 'deadline' is a mistake, not an override.
    private static final ObjectMapper JSON = JsonCodec.mapper().copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private PolicyParser() {
    }

    /**
     * Parses {@code text} as a policy without checking model refs against a registry.
     *
     * @param version the version the stored policy gets (e.g. its offset in {@code rdv.policies}); 0 when only validating
     * @throws PolicyValidationException listing every problem
     */
    public static Policy parse(String text, long version) {
        return parse(text, version, null);
    }

    /**
     * Parses {@code text} as a policy and checks every {@code name@version} and {@code name@*}
     * selector against the application's registered models.
     *
     * @param registered the application's registered model versions; null skips the check
     * @throws PolicyValidationException listing every problem
     */
    public static Policy parse(String text, long version, Set<ModelRef> registered) {
        return new PolicyReader(registered == null ? null : Set.copyOf(registered)).read(readTree(text), version);
    }

    /** Reads a policy document (JSON when it starts with '{', else YAML) without validating it. */
    public static JsonNode readTree(String text) {
        if (text == null || text.isBlank()) {
            throw invalidDocument("the policy document is empty");
        }
        boolean json = text.stripLeading().startsWith("{");
        try {
            JsonNode root = (json ? JSON : YAML).readTree(text);
            if (root == null || root.isMissingNode()) {
                throw invalidDocument("the policy document is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw invalidDocument("not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage() + where);
        }
    }

    private static PolicyValidationException invalidDocument(String message) {
        return new PolicyValidationException(List.of(new PolicyProblem("$", message)));
    }
}
