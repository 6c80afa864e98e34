package dev.rendezvous.engine;

import dev.rendezvous.policy.Answer;
import dev.rendezvous.policy.Decider;
import dev.rendezvous.policy.Evaluation;
import dev.rendezvous.policy.Member;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.RequestContext;
import dev.rendezvous.protocol.Candidate;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Applies one version of an application's {@link Policy} through the pure {@link Decider}: converts
 * wall-clock times to offsets since receipt, and the decider's evaluation back into a
 * {@link Decision}. One instance serves every request that arrived while this policy was in force.
 */
public final class PolicyArbiter implements Arbiter {
    private final Policy policy;
    private final Supplier<Set<Member>> liveMembers;
    /** The role map of the last member set seen: the set changes at heartbeat pace, not per evaluation. */
    private volatile Roles roles = new Roles(Set.of(), Map.of());

    private record Roles(Set<Member> members, Map<ModelRef, ModelRole> byModel) {
    }

    /**
     * @param liveMembers the app's members alive now, with the role the registry holds for each: an
     *                    immutable set, a new one whenever membership or a role changes (as {@code LiveMembers} gives)
     */
    public PolicyArbiter(Policy policy, Supplier<Set<Member>> liveMembers) {
        this.policy = policy;
        this.liveMembers = liveMembers;
    }

    public Policy policy() {
        return policy;
    }

    @Override
    public Verdict evaluate(ScoringRequest request, List<Arrival> arrivals, long nowMs) {
        return evaluate(request, arrivals, nowMs, ReplyMargin.NONE);
    }

    /**
     * Decides under the request's effective deadline less the reply margin: the decider then serves only
     * answers that arrived before that earlier point and decides by it, so the answer can still reach
     * the caller by the deadline. The decision keeps the request's real deadline and names the margin.
     */
    @Override
    public Verdict evaluate(ScoringRequest request, List<Arrival> arrivals, long nowMs, ReplyMargin margin) {
        long received = request.receivedAtMs();
        Set<Member> expected = liveMembers.get();
        Map<ModelRef, ModelRole> currentRoles = rolesOf(expected);
        List<Answer> answers = new ArrayList<>(arrivals.size());
        for (Arrival arrival : arrivals) {
            answers.add(toAnswer(arrival, received, currentRoles));
        }
        ModelRef pinned = request.pinnedModel() == null ? null : ModelRef.parse(request.pinnedModel());
        long deadlineMs = policy.effectiveDeadlineMs(OptionalLong.of(request.budgetMs()));
        long marginMs = margin.forDeadline(deadlineMs);
        RequestContext context = new RequestContext(request.id(), deadlineMs - marginMs, expected, pinned);
        Evaluation evaluation = Decider.decide(policy, context, answers, Math.max(0, nowMs - received));
        if (evaluation instanceof Evaluation.Pending pending) {
            return new Verdict.Wait(received + pending.nextWakeAtMs());
        }
        Evaluation.Decided decided = (Evaluation.Decided) evaluation;
        Decision decision = toDecision(request, decided, answers, nowMs).withReplyMargin(marginMs);
        return new Verdict.Decide(decision, received + decided.decidedAtMs(), !atAnArrival(answers, decided.decidedAtMs()));
    }

    private static boolean atAnArrival(List<Answer> answers, long instantMs) {
        for (Answer answer : answers) {
            if (answer.arrivalMs() == instantMs) {
                return true;
            }
        }
        return false;
    }

    private Map<ModelRef, ModelRole> rolesOf(Set<Member> members) {
        Roles known = roles;
        if (known.members() != members) {
            Map<ModelRef, ModelRole> byModel = new HashMap<>();
            members.forEach(member -> byModel.put(member.ref(), member.role()));
            known = new Roles(members, Map.copyOf(byModel));
            roles = known;
        }
        return known.byModel();
    }

    private static Answer toAnswer(Arrival arrival, long received, Map<ModelRef, ModelRole> currentRoles) {
        ModelScore score = arrival.score();
        ModelRef ref = score.modelRef();
        // A promotion changes the registry, not the role the runner stamps on its scores.
        ModelRole role = currentRoles.getOrDefault(ref, score.role());
        // Gateway and rendezvous clocks may differ slightly; an answer never arrives before receipt.
        long arrivalMs = Math.max(0, arrival.arrivedAtMs() - received);
        return score.failed()
                ? Answer.failed(ref, role, arrivalMs, score.error().code())
                : Answer.ok(ref, role, arrivalMs, score.output());
    }

    private Decision toDecision(ScoringRequest request, Evaluation.Decided decided, List<Answer> answers, long nowMs) {
        List<Candidate> candidates = new ArrayList<>();
        for (Answer answer : answers) {
            if (answer.arrivalMs() <= decided.decidedAtMs()) {
                candidates.add(new Candidate(answer.model().name(), answer.model().version(), answer.role(),
                        answer.arrivalMs(), answer.errorCode()));
            }
        }
        ModelRef chosen = decided.chosen() == null ? null : decided.chosen().model();
        Decision decision = new Decision(request.id(), request.app(), decided.outcome(),
                chosen == null ? null : chosen.name(), chosen == null ? null : chosen.version(),
                decided.output(), decided.reason().wireName(), policy.version(), decided.splitVariant(),
                candidates, decided.late().stream().map(ModelRef::toString).toList(),
                request.receivedAtMs(), request.deadlineAtMs(), nowMs, request.nonce());
        // Where the engine caps the deadline (effectiveDeadlineMs above): the record says so, or a Kafka-native
        // caller asking for 60 s on a 100 ms policy could not tell why it was answered by the fallback at 100 ms.
        return request.budgetMs() > policy.deadlineMs() ? decision.withDeadlineClamped(request.budgetMs()) : decision;
    }
}
