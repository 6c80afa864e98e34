package dev.rendezvous.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.Candidate;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The simplest useful policy: wait for the first preferred model until the deadline; at the deadline
 * take the best answer in preference order, else any live model's answer, else the fallback, else a
 * timeout.
 */
public final class PreferenceArbiter implements Arbiter {
    private final List<ModelRef> preferred;
    private final JsonNode fallbackOutput;
    private final long policyVersion;

    public PreferenceArbiter(List<ModelRef> preferred, JsonNode fallbackOutput, long policyVersion) {
        this.preferred = List.copyOf(preferred);
        this.fallbackOutput = fallbackOutput;
        this.policyVersion = policyVersion;
    }

    @Override
    public Verdict evaluate(ScoringRequest request, List<Arrival> arrivals, long nowMs) {
        boolean pastDeadline = nowMs >= request.deadlineAtMs();
        Arrival first = answerOf(arrivals, preferred.get(0), nowMs);
        if (first != null && !first.score().failed()) {
            return decide(request, arrivals, first, "preferred", nowMs);
        }
        boolean allPreferredAnswered = preferred.stream().allMatch(ref -> answerOf(arrivals, ref, nowMs) != null);
        if (!pastDeadline && !allPreferredAnswered) {
            return new Verdict.Wait(request.deadlineAtMs());
        }
        for (ModelRef ref : preferred) {
            Arrival answer = answerOf(arrivals, ref, nowMs);
            if (answer != null && !answer.score().failed()) {
                return decide(request, arrivals, answer, "deadline-best", nowMs);
            }
        }
        if (!pastDeadline) {
            return new Verdict.Wait(request.deadlineAtMs());
        }
        for (Arrival arrival : arrivals) {
            if (arrival.arrivedAtMs() <= nowMs && !arrival.score().failed() && arrival.score().role() == ModelRole.LIVE) {
                return decide(request, arrivals, arrival, "deadline-best", nowMs);
            }
        }
        return decide(request, arrivals, null, fallbackOutput == null ? "timeout" : "fallback", nowMs);
    }

    private static Arrival answerOf(List<Arrival> arrivals, ModelRef ref, long nowMs) {
        for (Arrival arrival : arrivals) {
            if (arrival.arrivedAtMs() <= nowMs && arrival.score().modelRef().equals(ref)) {
                return arrival;
            }
        }
        return null;
    }

    private Verdict decide(ScoringRequest request, List<Arrival> arrivals, Arrival chosen, String reason, long nowMs) {
        List<Candidate> candidates = new ArrayList<>();
        for (Arrival arrival : arrivals) {
            var score = arrival.score();
            candidates.add(new Candidate(score.model(), score.version(), score.role(),
                    arrival.arrivedAtMs() - request.receivedAtMs(), score.failed() ? score.error().code() : null));
        }
        List<String> late = preferred.stream()
                .filter(ref -> answerOf(arrivals, ref, nowMs) == null)
                .map(ModelRef::toString)
                .toList();
        Outcome outcome = chosen != null ? Outcome.MODEL : fallbackOutput != null ? Outcome.FALLBACK : Outcome.TIMEOUT;
        return new Verdict.Decide(new Decision(request.id(), request.app(), outcome,
                chosen == null ? null : chosen.score().model(),
                chosen == null ? null : chosen.score().version(),
                chosen != null ? chosen.score().output() : fallbackOutput,
                reason, policyVersion, null, candidates, late, request.receivedAtMs(), request.deadlineAtMs(), nowMs));
    }
}
