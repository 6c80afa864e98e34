package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.policy.PolicyProblem;
import dev.rendezvous.policy.PolicyValidationException;
import dev.rendezvous.protocol.TopicNames;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A validated {@code POST /v1/admin/apps} body: the app's name, its topics' partitions and retention,
 * and its first policy. Every refusal is a 400 naming the field ({@code body.partitions}, or
 * {@code body.policy.stages[0].accept} for a policy problem).
 *
 * @param name        the app's name: part of its topic names and URLs
 * @param partitions  partitions of each of its data topics (requests and scores must be co-partitioned)
 * @param retentionMs retention of its data topics
 * @param policy      its first policy, version 0 until stored
 */
record NewApp(String name, int partitions, long retentionMs, Policy policy) {
    /** As the platform configuration's {@code apps[].partitions} default. */
    static final int DEFAULT_PARTITIONS = 3;
    /** As the platform configuration's {@code apps[].retentionMs} default: 7 days. */
    static final long DEFAULT_RETENTION_MS = 7L * 24 * 3600 * 1000;
    static final int MAX_PARTITIONS = 1000;
    static final long MIN_RETENTION_MS = 60_000;
    static final List<String> FIELDS = List.of("name", "partitions", "retentionMs", "policy");

    /** Reads and validates the body; throws a 400 {@link ApiError} naming the first field that is wrong. */
    static NewApp parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ApiError(400, "expected a JSON object with " + FIELDS + " (name and policy required)", "body");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new ApiError(400, "unknown field '" + field + "'; expected " + FIELDS, "body." + field);
            }
        }
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual()) {
            throw new ApiError(400, "name is required: a string of 1-63 lower-case letters, digits, '_' or '-'", "body.name");
        }
        String name = nameNode.asText();
        if (!TopicNames.isLegalApp(name)) {
            throw new ApiError(400, "name '" + name + "' must be 1-63 lower-case letters, digits, '_' or '-'", "body.name");
        }
        int partitions = (int) integer(body, "partitions", DEFAULT_PARTITIONS, 1, MAX_PARTITIONS);
        long retentionMs = integer(body, "retentionMs", DEFAULT_RETENTION_MS, MIN_RETENTION_MS, Long.MAX_VALUE);
        return new NewApp(name, partitions, retentionMs, policy(body.get("policy"), name));
    }

    private static long integer(JsonNode body, String field, long absent, long min, long max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        // canConvertToLong() is false for 3.5 and for numbers beyond a long: both are refused, not rounded.
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw new ApiError(400, field + " is " + node + "; expected an integer from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max),
                    "body." + field);
        }
        return node.asLong();
    }

    /** The policy as an object (JSON) or a string (YAML or JSON text); its {@code app} is filled in when left out. */
    private static Policy policy(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            throw new ApiError(400, "policy is required: the app's rendezvous policy, an object or YAML text (see docs/rendezvous.md)", "body.policy");
        }
        JsonNode tree;
        if (node.isObject()) {
            tree = node.deepCopy();
        } else if (node.isTextual()) {
            try {
                tree = PolicyParser.readTree(node.asText());
            } catch (PolicyValidationException e) {
                throw refusal(e);
            }
        } else {
            throw new ApiError(400, "policy is " + node.getNodeType().name().toLowerCase() + "; expected an object or YAML text", "body.policy");
        }
        if (!tree.isObject()) {
            throw new ApiError(400, "policy must be a mapping (see docs/rendezvous.md)", "body.policy");
        }
        ObjectNode policy = (ObjectNode) tree;
        if (!policy.has("app")) {
            policy.put("app", name);
        } else if (!name.equals(policy.get("app").asText())) {
            throw new ApiError(400, "policy.app is '" + policy.get("app").asText() + "' but the app is '" + name + "'", "body.policy.app");
        }
        try {
            return PolicyParser.parse(policy.toString(), 0);
        } catch (PolicyValidationException e) {
            throw refusal(e);
        }
    }

    private static ApiError refusal(PolicyValidationException e) {
        List<PolicyProblem> problems = e.problems();
        String path = problems.isEmpty() ? "$" : problems.get(0).path();
        String where = path.equals("$") ? "body.policy" : "body.policy." + (path.startsWith("$.") ? path.substring(2) : path);
        return new ApiError(400, "the policy is invalid: " + problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("; ")), where);
    }
}
