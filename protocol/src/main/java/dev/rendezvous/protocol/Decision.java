package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * The rendezvous's answer to one request. It goes to the request's return address (the caller's
 * reply) and to {@code <app>.results} (the record of what was served and why).
 *
 * @param model         the served model's name; null for a fallback or timeout
 * @param version       the served model's version; null for a fallback or timeout
 * @param output        what was served: a model's output or the fallback; null on timeout
 * @param reason        why this answer, e.g. {@code preferred}, {@code stage-2}, {@code deadline-best}, {@code fallback}, {@code timeout}
 * @param policyVersion the version of the application's policy that made the decision
 * @param splitVariant  index of the split variant the request id hashed to; null without a split
 * @param candidates    every model answer present when deciding, in arrival order
 * @param late          models that were waited for but had not answered when the decision was made
 * @param nonce         the request's nonce, echoed: the gateway takes a decision only for the request it sent
 * @param requestedDeadlineMs the deadline the request asked for ({@code deadlineAtMs - receivedAtMs}), set only when it
 *                      was longer than the policy's and so capped to it; null otherwise (and in records written before)
 * @param deadlineClamped true when the request's deadline was capped to the policy's; null otherwise
 * @param replyMarginMs how long before the deadline the rendezvous decided at the latest, to leave time for the
 *                      answer's trip to the caller (its estimate of that trip, capped to a share of the deadline);
 *                      null when none was kept (and in records written before)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(
        String requestId,
        String app,
        Outcome outcome,
        String model,
        String version,
        JsonNode output,
        String reason,
        long policyVersion,
        Integer splitVariant,
        List<Candidate> candidates,
        List<String> late,
        long receivedAtMs,
        long deadlineAtMs,
        long decidedAtMs,
        String nonce,
        Long requestedDeadlineMs,
        Boolean deadlineClamped,
        Long replyMarginMs) {

    public Decision {
        RequestIds.require("requestId", requestId);
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        if (outcome == Outcome.MODEL && (model == null || version == null)) {
            throw new IllegalArgumentException("a model decision names its model and version");
        }
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
        late = late == null ? List.of() : List.copyOf(late);
        if (nonce != null) {
            RequestIds.requireNonce(nonce);
        }
        if ((requestedDeadlineMs == null) != (deadlineClamped == null) || Boolean.FALSE.equals(deadlineClamped)) {
            throw new IllegalArgumentException("requestedDeadlineMs and deadlineClamped (true) are set together, only for a capped deadline");
        }
        if (replyMarginMs != null && replyMarginMs < 1) {
            throw new IllegalArgumentException("replyMarginMs: " + replyMarginMs + "; expected at least 1, or absent");
        }
    }

    /** A decision without a reply margin. */
    public Decision(String requestId, String app, Outcome outcome, String model, String version, JsonNode output, String reason,
                    long policyVersion, Integer splitVariant, List<Candidate> candidates, List<String> late, long receivedAtMs,
                    long deadlineAtMs, long decidedAtMs, String nonce, Long requestedDeadlineMs, Boolean deadlineClamped) {
        this(requestId, app, outcome, model, version, output, reason, policyVersion, splitVariant, candidates, late, receivedAtMs,
                deadlineAtMs, decidedAtMs, nonce, requestedDeadlineMs, deadlineClamped, null);
    }

    /** A decision whose request's deadline was within the policy's (nothing capped). */
    public Decision(String requestId, String app, Outcome outcome, String model, String version, JsonNode output, String reason,
                    long policyVersion, Integer splitVariant, List<Candidate> candidates, List<String> late, long receivedAtMs,
                    long deadlineAtMs, long decidedAtMs, String nonce) {
        this(requestId, app, outcome, model, version, output, reason, policyVersion, splitVariant, candidates, late, receivedAtMs,
                deadlineAtMs, decidedAtMs, nonce, null, null);
    }

    /** A decision for a request without a nonce. */
    public Decision(String requestId, String app, Outcome outcome, String model, String version, JsonNode output, String reason,
                    long policyVersion, Integer splitVariant, List<Candidate> candidates, List<String> late, long receivedAtMs,
                    long deadlineAtMs, long decidedAtMs) {
        this(requestId, app, outcome, model, version, output, reason, policyVersion, splitVariant, candidates, late, receivedAtMs,
                deadlineAtMs, decidedAtMs, null, null, null);
    }

    /** This decision for the request with {@code requestNonce}. */
    public Decision withNonce(String requestNonce) {
        return new Decision(requestId, app, outcome, model, version, output, reason, policyVersion, splitVariant, candidates, late,
                receivedAtMs, deadlineAtMs, decidedAtMs, requestNonce, requestedDeadlineMs, deadlineClamped, replyMarginMs);
    }

    /** This decision, saying that the request asked for {@code requestedMs} and was decided under the policy's shorter deadline. */
    public Decision withDeadlineClamped(long requestedMs) {
        return new Decision(requestId, app, outcome, model, version, output, reason, policyVersion, splitVariant, candidates, late,
                receivedAtMs, deadlineAtMs, decidedAtMs, nonce, requestedMs, Boolean.TRUE, replyMarginMs);
    }

    /** This decision, saying that it was taken at the latest {@code marginMs} before the deadline; unchanged for 0. */
    public Decision withReplyMargin(long marginMs) {
        if (marginMs <= 0) {
            return this;
        }
        return new Decision(requestId, app, outcome, model, version, output, reason, policyVersion, splitVariant, candidates, late,
                receivedAtMs, deadlineAtMs, decidedAtMs, nonce, requestedDeadlineMs, deadlineClamped, marginMs);
    }

    /** The request this decides, as records are matched: id, and nonce when set. */
    public String originKey() {
        return RequestIds.originKey(requestId, nonce);
    }

    /** Milliseconds from receipt to decision. */
    public long latencyMs() {
        return decidedAtMs - receivedAtMs;
    }
}
