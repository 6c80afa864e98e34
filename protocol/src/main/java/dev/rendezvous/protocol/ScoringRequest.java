package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One scoring request as it travels on {@code <app>.requests}, keyed by its id. Every model and the
 * decoy read exactly these bytes.
 *
 * @param id           request id, also the record key
 * @param app          application name
 * @param features     named scalar features (a JSON object), or null when {@code inputs} is used
 * @param inputs       Open Inference Protocol tensors, or null when {@code features} is used
 * @param receivedAtMs when the gateway (or Kafka-native client) accepted it, epoch milliseconds
 * @param deadlineAtMs the latest moment an answer is useful, epoch milliseconds
 * @param replyTo      topic that receives the {@link Decision}; null when no reply is wanted. Only reply
 *                     topics are allowed ({@link TopicNames#replyTopicProblem}): a request must not make the
 *                     rendezvous write into a platform topic
 * @param pinnedModel  when set, only this model version may answer (OIP {@code /versions/{v}}); null otherwise
 * @param nonce        a random value the sender generated for this request alone ({@link RequestIds#requireNonce}),
 *                     echoed in every score and in the decision: it ties them to this record, so a record
 *                     with the same id from someone else neither takes its answer nor gets it. The gateway
 *                     always sets one and accepts only decisions that carry it; null for clients without one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoringRequest(
        String id,
        String app,
        JsonNode features,
        List<Tensor> inputs,
        long receivedAtMs,
        long deadlineAtMs,
        String replyTo,
        String pinnedModel,
        String nonce) {

    public ScoringRequest {
        RequestIds.require("id", id);
        if (app == null || app.isBlank()) {
            throw new IllegalArgumentException("app is missing");
        }
        if (!TopicNames.isLegalApp(app)) {
            throw new IllegalArgumentException("app: " + TopicNames.appProblem(app));
        }
        if (features == null && (inputs == null || inputs.isEmpty())) {
            throw new IllegalArgumentException("either 'features' (an object) or 'inputs' (tensors) is required");
        }
        if (features != null && inputs != null && !inputs.isEmpty()) {
            // A runner would use one and silently ignore the other; the published schema allows one of them.
            throw new IllegalArgumentException("give either 'features' or 'inputs', not both");
        }
        if (features != null && !features.isObject()) {
            throw new IllegalArgumentException("'features' must be a JSON object of name to value");
        }
        if (receivedAtMs <= 0) {
            throw new IllegalArgumentException("receivedAtMs must be a positive epoch-millisecond time");
        }
        if (deadlineAtMs < receivedAtMs) {
            throw new IllegalArgumentException("deadlineAtMs (" + deadlineAtMs + ") is before receivedAtMs (" + receivedAtMs + ")");
        }
        if (replyTo != null) {
            String problem = TopicNames.replyTopicProblem(replyTo);
            if (problem != null) {
                throw new IllegalArgumentException("replyTo: " + problem);
            }
        }
        if (pinnedModel != null) {
            ModelRef.parse(pinnedModel);
        }
        if (nonce != null) {
            RequestIds.requireNonce(nonce);
        }
        inputs = inputs == null ? null : List.copyOf(inputs);
    }

    /** A request without a nonce (a Kafka-native client that does not set one). */
    public ScoringRequest(String id, String app, JsonNode features, List<Tensor> inputs, long receivedAtMs, long deadlineAtMs, String replyTo,
                          String pinnedModel) {
        this(id, app, features, inputs, receivedAtMs, deadlineAtMs, replyTo, pinnedModel, null);
    }

    /** This request's identity where the platform matches records: the id, and its nonce when it has one. */
    public String originKey() {
        return RequestIds.originKey(id, nonce);
    }

    /** The time budget the request was given, in milliseconds. */
    public long budgetMs() {
        return deadlineAtMs - receivedAtMs;
    }
}
