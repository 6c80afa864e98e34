package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.TopicNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a policy from a JSON tree, collecting every problem with its field path instead of stopping
 * at the first, so that an operator fixes a policy in one round.
 */
final class PolicyReader {
    /** Mailboxes live until the deadline; a bound keeps a mistaken value (say {@code 3600s}) from holding them for an hour. */
    static final long MAX_DEADLINE_MS = 300_000;

    private static final List<String> TOP_FIELDS = List.of("app", "deadline", "stages", "split", "fallback");
    private static final List<String> STAGE_FIELDS = List.of("until", "accept");
    private static final List<String> VARIANT_FIELDS = List.of("weight", "prefer");
    private static final List<String> FALLBACK_FIELDS = List.of("output", "reason");

    private final ProblemList problems = new ProblemList();
    private final SelectorListReader selectors;

    /** @param registered the application's registered models to check selectors against, or null not to check */
    PolicyReader(Set<ModelRef> registered) {
        this.selectors = new SelectorListReader(registered, problems);
    }

    Policy read(JsonNode root, long version) {
        if (root == null || !root.isObject()) {
            throw new PolicyValidationException(List.of(new PolicyProblem("$",
                    "a policy must be a mapping (YAML) or an object (JSON) with app, deadline and stages")));
        }
        checkFields(root, "", TOP_FIELDS);
        String app = readApp(root.get("app"));
        Long deadlineMs = readDeadline(root.get("deadline"));
        List<Stage> stages = readStages(root.get("stages"), deadlineMs);
        List<SplitVariant> split = readSplit(root.get("split"));
        Fallback fallback = readFallback(root.get("fallback"));
        problems.throwIfAny();
        return new Policy(app, version, deadlineMs, stages, split, fallback);
    }

    private String readApp(JsonNode node) {
        if (absent(node)) {
            return problems.add("app", "missing; expected the application name");
        }
        if (!node.isTextual() || !TopicNames.isLegalApp(node.asText())) {
            return problems.add("app", "'" + node.asText() + "' is not a legal application name; expected 1-63 characters of"
                    + " lower-case letters, digits, '_' or '-', starting with a letter or digit");
        }
        return node.asText();
    }

    private Long readDeadline(JsonNode node) {
        Long deadlineMs = readPositiveDuration(node, "deadline");
        if (deadlineMs != null && deadlineMs > MAX_DEADLINE_MS) {
            return problems.add("deadline", "must be at most " + Durations.format(MAX_DEADLINE_MS) + ", was " + Durations.format(deadlineMs));
        }
        return deadlineMs;
    }

    private List<Stage> readStages(JsonNode node, Long deadlineMs) {
        if (absent(node)) {
            return problems.add("stages", "missing; expected a list of stages, each with until and accept");
        }
        if (!node.isArray()) {
            return problems.add("stages", "expected a list of stages, each with until and accept");
        }
        if (node.isEmpty()) {
            return problems.add("stages", "must list at least one stage");
        }
        List<Stage> stages = new ArrayList<>();
        Long previousUntil = null;
        String previousPath = null;
        for (int i = 0; i < node.size(); i++) {
            String path = "stages[" + i + "]";
            JsonNode stageNode = node.get(i);
            if (!stageNode.isObject()) {
                problems.add(path, "expected a mapping with until and accept");
                continue;
            }
            checkFields(stageNode, path, STAGE_FIELDS);
            Long untilMs = readUntil(stageNode.get("until"), path + ".until", i == node.size() - 1, deadlineMs);
            if (untilMs != null && previousUntil != null && untilMs <= previousUntil) {
                problems.add(path + ".until", Durations.format(untilMs) + " does not come after " + previousPath
                        + " (" + Durations.format(previousUntil) + "); stages must strictly increase");
            }
            if (untilMs != null) {
                previousUntil = untilMs;
                previousPath = path + ".until";
            }
            List<Selector> accept = selectors.read(stageNode.get("accept"), path + ".accept");
            if (untilMs != null && untilMs > 0 && accept != null) {
                stages.add(new Stage(untilMs, accept));
            }
        }
        return stages;
    }

    private Long readUntil(JsonNode node, String path, boolean last, Long deadlineMs) {
        if (absent(node)) {
            // The last stage may leave until out: it then ends at the deadline, the only end it may have.
            return last ? deadlineMs : problems.add(path, "missing; only the last stage may leave it out (it then ends at the deadline)");
        }
        Long untilMs = readPositiveDuration(node, path);
        if (untilMs == null || deadlineMs == null) {
            return untilMs;
        }
        if (untilMs > deadlineMs) {
            problems.add(path, Durations.format(untilMs) + " is past the deadline (" + Durations.format(deadlineMs) + ")");
        } else if (last && untilMs < deadlineMs) {
            problems.add(path, "the last stage must end at the deadline (" + Durations.format(deadlineMs) + "), was "
                    + Durations.format(untilMs) + "; leave until out to end it at the deadline");
        }
        return untilMs;
    }

    private List<SplitVariant> readSplit(JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            return problems.add("split", "expected a list of variants, each with weight and prefer");
        }
        if (node.isEmpty()) {
            return problems.add("split", "must list at least one variant, or be left out");
        }
        List<SplitVariant> variants = new ArrayList<>();
        double sum = 0;
        boolean weightsValid = true;
        for (int i = 0; i < node.size(); i++) {
            String path = "split[" + i + "]";
            JsonNode variantNode = node.get(i);
            if (!variantNode.isObject()) {
                problems.add(path, "expected a mapping with weight and prefer");
                weightsValid = false;
                continue;
            }
            checkFields(variantNode, path, VARIANT_FIELDS);
            Double weight = readWeight(variantNode.get("weight"), path + ".weight");
            weightsValid &= weight != null;
            sum += weight == null ? 0 : weight;
            List<Selector> prefer = selectors.read(variantNode.get("prefer"), path + ".prefer");
            if (weight != null && prefer != null) {
                variants.add(new SplitVariant(weight, prefer));
            }
        }
        if (weightsValid && Math.abs(sum - 1) > Policy.WEIGHT_TOLERANCE) {
            problems.add("split", "weights sum to " + sum + "; they must sum to 1 (±1e-9)");
        }
        return variants;
    }

    private Double readWeight(JsonNode node, String path) {
        if (absent(node)) {
            return problems.add(path, "missing; expected a number between 0 and 1");
        }
        if (!node.isNumber()) {
            return problems.add(path, "expected a number between 0 and 1, was " + node);
        }
        double weight = node.asDouble();
        if (!(weight >= 0 && weight <= 1)) {
            return problems.add(path, "must be between 0 and 1, was " + node);
        }
        return weight;
    }

    private Fallback readFallback(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isObject()) {
            return problems.add("fallback", "expected a mapping with output and an optional reason");
        }
        checkFields(node, "fallback", FALLBACK_FIELDS);
        JsonNode output = node.get("output");
        if (absent(output)) {
            problems.add("fallback.output", "missing; expected the JSON to serve, e.g. { score: 0.0 }");
        }
        JsonNode reason = node.get("reason");
        if (!absent(reason) && !reason.isTextual()) {
            problems.add("fallback.reason", "expected a string, was " + reason);
        }
        return absent(output) ? null : new Fallback(output, absent(reason) ? null : reason.asText());
    }

    private Long readPositiveDuration(JsonNode node, String path) {
        if (absent(node)) {
            return problems.add(path, "missing; " + Durations.SYNTAX);
        }
        long ms;
        try {
            ms = Durations.parseMs(node);
        } catch (IllegalArgumentException e) {
            return problems.add(path, e.getMessage());
        }
        if (ms <= 0) {
            return problems.add(path, "must be positive, was " + Durations.format(ms));
        }
        return ms;
    }

    private void checkFields(JsonNode node, String prefix, List<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (allowed.contains(name)) {
                continue;
            }
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            if (prefix.isEmpty() && name.equals("version")) {
                problems.add(path, "not part of a policy document; the version is assigned when the policy is stored");
            } else {
                problems.add(path, "unknown field; expected one of " + String.join(", ", allowed));
            }
        }
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }
}
