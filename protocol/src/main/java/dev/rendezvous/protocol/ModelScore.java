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
 * @param batchSize       how many requests shared that model call (0: no call, e.g. an expired or invalid request)
 * @param scoredAtMs      when the runner produced this record, epoch milliseconds
 * @param artifactSha256  SHA-256 of the artifact that computed this score (fixed per version at its first
 *                        registration); null for plug-in and remote models, and in records older than the field
 * @param nonce           the request's nonce, echoed, so that the rendezvous files this score with that
 *                        request and not with another record of the same id; null when the request had none
 * @param batchId         the model call this request was in, unique per runner process and call: every score
 *                        of one call carries the same id, so the call's composition can be rebuilt (replay
 *                        {@code --batching as-served}); null when no call was made, and in records older than the field
 * @param batchPosition   this request's place in that call, 0 to {@code batchSize - 1} (its rows follow those of
 *                        the requests before it); null exactly when {@code batchId} is
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
        String nonce,
        String batchId,
        Integer batchPosition) {
    /** What a batch id may contain: safe in logs, SQL literals and file names. */
    private static final java.util.regex.Pattern BATCH_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");

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
        if ((batchId == null) != (batchPosition == null)) {
            throw new IllegalArgumentException("a score carries both or neither of 'batchId' and 'batchPosition'");
        }
        if (batchId != null) {
            if (!BATCH_ID.matcher(batchId).matches()) {
                throw new IllegalArgumentException("batchId '" + batchId + "' must be 1-128 characters of A-Z a-z 0-9 . _ : @ / -");
            }
            if (batchPosition < 0 || batchPosition >= batchSize) {
                throw new IllegalArgumentException("batchPosition " + batchPosition + " is outside the batch of " + batchSize);
            }
        }
    }

    /** A score without its batch's identity (as written before the field existed). */
    public ModelScore(String requestId, String app, String model, String version, ModelRole role, JsonNode output, ScoreError error,
                      long queueWaitMicros, long inferenceMicros, int batchSize, long scoredAtMs, String artifactSha256, String nonce) {
        this(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs, artifactSha256,
                nonce, null, null);
    }

    /** A score of a request without a nonce. */
    public ModelScore(String requestId, String app, String model, String version, ModelRole role, JsonNode output, ScoreError error,
                      long queueWaitMicros, long inferenceMicros, int batchSize, long scoredAtMs) {
        this(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs, null, null, null, null);
    }

    /** This score, tied to the request with {@code requestNonce}. */
    public ModelScore withNonce(String requestNonce) {
        return new ModelScore(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs,
                artifactSha256, requestNonce, batchId, batchPosition);
    }

    /** This score, computed by the artifact with SHA-256 {@code sha256}. */
    public ModelScore withArtifact(String sha256) {
        return new ModelScore(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs,
                sha256, nonce, batchId, batchPosition);
    }

    /** This score, computed as request {@code position} of model call {@code id}. */
    public ModelScore inBatch(String id, int position) {
        return new ModelScore(requestId, app, model, version, role, output, error, queueWaitMicros, inferenceMicros, batchSize, scoredAtMs,
                artifactSha256, nonce, id, position);
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
