package dev.rendezvous.analytics;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.ModelScore;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's records gathered so far, in the joiner's store until it settles.
 *
 * @param firstSeenMs wall-clock time the joiner saw its first record: it settles {@code settleMs} later
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PendingRequest(long firstSeenMs, List<ModelScore> scores, Decision decision) {
    PendingRequest {
        scores = scores == null ? List.of() : List.copyOf(scores);
    }

    PendingRequest withScore(ModelScore score) {
        // A redelivered score (at-least-once) replaces the earlier copy rather than counting twice.
        List<ModelScore> next = new ArrayList<>(scores);
        next.removeIf(s -> s.model().equals(score.model()) && s.version().equals(score.version()));
        next.add(score);
        return new PendingRequest(firstSeenMs, next, decision);
    }

    PendingRequest withDecision(Decision decided) {
        return new PendingRequest(firstSeenMs, scores, decided);
    }

    /** What the windows count of this request. */
    RequestSummary summarize(String app, String requestId) {
        Long receivedAtMs = decision == null ? null : decision.receivedAtMs();
        long timeMs = receivedAtMs != null ? receivedAtMs : scores.stream().mapToLong(ModelScore::scoredAtMs).min().orElse(firstSeenMs);
        List<RequestSummary.Answer> answers = new ArrayList<>();
        for (ModelScore score : scores) {
            String ref = score.model() + "@" + score.version();
            Long latency = null;
            if (decision != null) {
                latency = decision.candidates().stream()
                        .filter(c -> c.model().equals(score.model()) && c.version().equals(score.version()))
                        .map(c -> c.arrivalMs()).findFirst()
                        .orElse(Math.max(0, score.scoredAtMs() - decision.receivedAtMs()));
            }
            if (score.failed()) {
                answers.add(new RequestSummary.Answer(ref, score.role(), null, null, score.error().code(), latency));
            } else {
                double value = ScoreReading.score(score.output());
                answers.add(new RequestSummary.Answer(ref, score.role(), ScoreReading.label(score.output()),
                        Double.isNaN(value) ? null : value, null, latency));
            }
        }
        String served = decision != null && decision.model() != null ? decision.model() + "@" + decision.version() : null;
        return new RequestSummary(app, requestId, timeMs, decision != null, served, decision == null ? List.of() : decision.late(), answers);
    }
}
