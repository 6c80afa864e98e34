package dev.rendezvous.engine;

import dev.rendezvous.policy.DecisionReason;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.registry.LiveMembers;
import dev.rendezvous.registry.PolicyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Where the rendezvous gets each application's arbiter: the policy in force and the live members. */
public final class Arbiters {
    private Arbiters() {
    }

    /**
     * Arbiters following the stored policies; an app without any policy times out its requests at once.
     * One arbiter per app and policy version is kept and handed to every request while that version is
     * in force, instead of one per request.
     */
    public static Function<String, Arbiter> following(PolicyStore policies, LiveMembers members) {
        Map<String, PolicyArbiter> current = new ConcurrentHashMap<>();
        return app -> policies.current(app)
                .<Arbiter>map(policy -> current.compute(app, (key, cached) ->
                        cached != null && (cached.policy() == policy || cached.policy().equals(policy)) ? cached : new PolicyArbiter(policy, () -> members.of(app))))
                .orElse(NO_POLICY);
    }

    /** Every request must get an answer; without a policy the only honest one is an immediate timeout. */
    static final Arbiter NO_POLICY = (request, arrivals, nowMs) -> new Verdict.Decide(new Decision(request.id(), request.app(),
            Outcome.TIMEOUT, null, null, null, DecisionReason.NO_POLICY.wireName(), 0, null, List.of(), List.of(),
            request.receivedAtMs(), request.deadlineAtMs(), nowMs));
}
