package dev.rendezvous.analytics;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rendezvous.protocol.ModelRole;
import java.util.List;

/**
 * One request with every model's answer and what was served, as the joiner settles it: the record
 * of the service's internal repartition topic (by app), which only this service reads. It is the
 * service's working state, not a contract between services, so it lives here and not in protocol.
 *
 * @param timeMs  the request's time for windowing: its receipt per the decision, else the first score's time
 * @param decided whether the decision was seen
 * @param served  {@code name@version} of the served model; null for a fallback, a timeout, or no decision seen
 * @param late    models the decision listed as late
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RequestSummary(String app, String requestId, long timeMs, boolean decided, String served, List<String> late, List<Answer> answers) {
    RequestSummary {
        late = late == null ? List.of() : List.copyOf(late);
        answers = answers == null ? List.of() : List.copyOf(answers);
    }

    /**
     * One model's answer.
     *
     * @param label     its label, null for an error or an unlabelled output
     * @param score     its score (see {@link ScoreReading}); null for an error
     * @param error     the error code, null for an output
     * @param latencyMs request receipt to the answer's arrival at the rendezvous; null when unknown
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Answer(String ref, ModelRole role, String label, Double score, String error, Long latencyMs) {
    }
}
