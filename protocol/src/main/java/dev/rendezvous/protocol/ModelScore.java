package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One model version's answer to one request, on {@code <app>.scores} keyed by request id: either an
 * output or an error, with the timings the runner measured.
 *
 * @param queueWaitMicros time from the request's receipt to the start of inference
 * @param inferenceMicros time spent in the model call for the batch this request was in
 * @param batchSize       how many requests shared that model call
 * @param scoredAtMs      when the runner produced this record, epoch milliseconds
 * @param artifactSha256  SHA-256 of the artifact that computed this score (fixed per version at its first
 *                        registration); null for plug-in and remote models, and in records older than the field
 * @param nonce           the request's nonce, echoed, so that the rendezvous files this score with that
 *                        request and not with another record of the same id; null when the request had none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelScore(
        String requestId,
        String app,
        String model,
        String version,
        ModelRole role,
        JsonNode output,
        ScoreError error,
        long queueWaitMicros,
        long inferenceMicros,
        int batchSize,
        long scoredAtMs,
        String artifactSha256,
        String nonce) {

    public ModelScore {
        RequestIds.require("requestId", requestId);
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(role, "role");
        ModelRef.parse(model + "@" + version);
        if ((output == null) == (error == null)) {
            throw new IllegalArgumentException("a score carries exactly one of 'output' and 'error'");
        }
        if (nonce != null) {
            RequestIds.requireNonce(nonce);
        }
    }

    /** A score of a request without a nonce. */
    public ModelScore(String requestId, String app, String model, String version, ModelRole role, JsonNode output, ScoreError error,
                      long queueWaitMicros, long inferenceMicros, int batchSize, long scoredAtMs) {
        this(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs, null, null);
    }

    /** This score, tied to the request with {@code requestNonce}. */
    public ModelScore withNonce(String requestNonce) {
        return new ModelScore(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs,
                artifactSha256, requestNonce);
    }

    /** This score, computed by the artifact with SHA-256 {@code sha256}. */
    public ModelScore withArtifact(String sha256) {
        return new ModelScore(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs,
                sha256, nonce);
    }

    /** The request this answers, as records are matched: id, and nonce when set. */
    public String originKey() {
        return RequestIds.originKey(requestId, nonce);
    }

    public ModelRef modelRef() {
        return new ModelRef(model, version);
    }

    public boolean failed() {
        return error != null;
    }
}
