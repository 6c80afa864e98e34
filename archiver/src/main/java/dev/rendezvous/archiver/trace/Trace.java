package dev.rendezvous.archiver.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelScore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Everything the archive holds about one request: its exact input, every model's score or error, the
 * decision, and from the archived control-plane history the policy version that decided and the
 * served model's registry entry (role, artifact, lineage) as they were when it was served.
 *
 * @param policyInForce      the decision's policy version as archived; null when there is no decision or
 *                           the archive does not hold that version
 * @param servedRegistration the served model's registry entry in force at the decision; null when no
 *                           model was served or the archive holds no entry that early
 */
public record Trace(String app, String requestId, List<TracedRecord> inputs, List<TracedRecord> scores, List<TracedRecord> decisions,
                    ControlHistory.PolicyVersion policyInForce, ControlHistory.RegistryEntry servedRegistration) {
    private static final ObjectMapper JSON = JsonCodec.mapper();

    public Trace {
        inputs = List.copyOf(inputs);
        scores = List.copyOf(scores);
        decisions = List.copyOf(decisions);
    }

    /** A trace without control-plane history. */
    public Trace(String app, String requestId, List<TracedRecord> inputs, List<TracedRecord> scores, List<TracedRecord> decisions) {
        this(app, requestId, inputs, scores, decisions, null, null);
    }

    /** This trace with the control-plane history that applies to it. */
    public Trace withControlPlane(ControlHistory.PolicyVersion policy, ControlHistory.RegistryEntry served) {
        return new Trace(app, requestId, inputs, scores, decisions, policy, served);
    }

    public boolean isEmpty() {
        return inputs.isEmpty() && scores.isEmpty() && decisions.isEmpty();
    }

    /** The scores decoded; a value that is not a valid score is left out (it is still in {@link #toJson()}). */
    public List<ModelScore> modelScores() {
        List<ModelScore> decoded = new ArrayList<>();
        for (TracedRecord score : scores) {
            try {
                decoded.add(JsonCodec.decode(score.value(), ModelScore.class));
            } catch (RuntimeException e) {
                // Shown raw in the JSON; a trace must not fail on one odd record.
            }
        }
        return decoded;
    }

    /** The first decision decoded, if any is valid. */
    public Optional<Decision> decision() {
        for (TracedRecord decision : decisions) {
            try {
                return Optional.of(JsonCodec.decode(decision.value(), Decision.class));
            } catch (RuntimeException e) {
                // As above.
            }
        }
        return Optional.empty();
    }

    /**
     * The trace as JSON for people and the admin API: {@code input} (null when not archived),
     * {@code scores} and {@code decision} (null when none; {@code decisions} too when there are
     * several), each with its archive coordinates, hash check and value as JSON.
     */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("app", app);
        root.put("requestId", requestId);
        root.set("input", inputs.isEmpty() ? null : record(inputs.get(0)));
        ArrayNode scoreNodes = root.putArray("scores");
        scores.forEach(score -> scoreNodes.add(record(score)));
        root.set("decision", decisions.isEmpty() ? null : record(decisions.get(0)));
        if (decisions.size() > 1) {
            ArrayNode all = root.putArray("decisions");
            decisions.forEach(decision -> all.add(record(decision)));
        }
        if (inputs.size() > 1) {
            ArrayNode all = root.putArray("inputs");
            inputs.forEach(input -> all.add(record(input)));
        }
        decision().ifPresent(decision -> {
            if (policyInForce != null) {
                root.set("policy", policyInForce.toJson());
            } else {
                ObjectNode policy = root.putObject("policy");
                policy.put("version", decision.policyVersion());
                policy.put("text", "not in the archive's control-plane history (archived from rdv.policies since the archiver first ran)");
            }
            if (decision.model() != null) {
                root.set("servedModel", servedModelJson(decision));
            }
        });
        return root;
    }

    private ObjectNode servedModelJson(Decision decision) {
        ObjectNode served = JSON.createObjectNode();
        served.put("ref", decision.model() + "@" + decision.version());
        if (servedRegistration == null) {
            served.put("asServed", "no registry entry of this version written before the decision is in the archive");
            return served;
        }
        ModelRegistration registration = servedRegistration.registration();
        served.put("asServed", "registry entry in force when the request was decided, from the archive");
        served.put("role", registration.role().wireName());
        served.put("runtime", registration.runtime());
        served.put("artifactSha256", registration.artifactSha256());
        served.put("registeredAtMs", registration.updatedAtMs());
        served.put("changedBy", registration.changedBy());
        served.put("archivedAt", servedRegistration.at());
        served.set("lineage", registration.lineage());
        return served;
    }

    private static ObjectNode record(TracedRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("at", record.coordinates());
        node.put("segment", record.segment());
        node.put("sealed", record.sealed());
        node.put("timestamp", record.timestamp());
        node.put("sha256", record.sha256());
        node.put("hashVerified", record.hashVerified());
        if (record.value() == null) {
            node.putNull("value");
        } else if (LineEncoder.isVerbatimJson(record.value())) {
            node.set("value", parse(record.value()));
        } else {
            node.put("valueBase64", Base64.getEncoder().encodeToString(record.value()));
        }
        return node;
    }

    private static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(value, StandardCharsets.UTF_8));
        }
    }
}
