package dev.rendezvous.analytics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's answers gathered so far, in the joiner's memory until it settles: one compact
 * {@link RecordDecoder.ScoreSeen} per model and the decision's few fields, never the records themselves.
 */
final class PendingRequest {
    /** Wall-clock time the joiner saw the request's first record: it settles {@code settleMs} later. */
    final long firstSeenMs;
    /** Per {@code name@version}: a redelivered score (at-least-once) replaces the earlier copy rather than counting twice. */
    private final Map<String, RecordDecoder.ScoreSeen> scores = new LinkedHashMap<>(8);
    private RecordDecoder.DecisionSeen decision;

    PendingRequest(long firstSeenMs) {
        this.firstSeenMs = firstSeenMs;
    }

    void add(RecordDecoder.ScoreSeen score) {
        scores.put(score.ref(), score);
    }

    void decided(RecordDecoder.DecisionSeen decided) {
        decision = decided;
    }

    /** What the windows count of this request. */
    RequestSummary summarize(String app, String requestId) {
        long timeMs = decision != null ? decision.receivedAtMs()
                : scores.values().stream().mapToLong(RecordDecoder.ScoreSeen::scoredAtMs).min().orElse(firstSeenMs);
        List<RequestSummary.Answer> answers = new ArrayList<>(scores.size());
        for (RecordDecoder.ScoreSeen score : scores.values()) {
            Long latency = null;
            if (decision != null) {
                Long arrival = decision.arrivals().get(score.ref());
                latency = arrival != null ? arrival : Math.max(0, score.scoredAtMs() - decision.receivedAtMs());
            }
            if (score.error() != null) {
                answers.add(new RequestSummary.Answer(score.ref(), score.role(), null, null, score.error(), latency));
            } else {
                answers.add(new RequestSummary.Answer(score.ref(), score.role(), score.label(),
                        Double.isNaN(score.score()) ? null : score.score(), null, latency));
            }
        }
        String served = decision == null ? null : decision.served();
        return new RequestSummary(app, requestId, timeMs, decision != null, served, decision == null ? List.of() : decision.late(), answers);
    }
}
