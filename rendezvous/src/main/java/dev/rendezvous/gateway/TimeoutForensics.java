package dev.rendezvous.gateway;

import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.policy.Decider;
import dev.rendezvous.policy.Evaluation;
import dev.rendezvous.policy.Member;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.RequestContext;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.registry.PolicyStore;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the gateway itself can say about a request that no decision reached by its deadline: the
 * app's registered live models now, and which of them the policy in force would have waited for.
 * No answer is known to the gateway, so this is the decision rule applied to an empty mailbox at the
 * deadline — the same {@code late} a rendezvous would have recorded had no model answered.
 */
final class TimeoutForensics {
    /**
     * The gateway's view of an undecided request.
     *
     * @param liveModels    the app's registered, heartbeating, not retired models ({@code name@version}), sorted
     * @param late          those the policy in force would have waited for, most preferred first; all of them without a policy
     * @param splitVariant  the split variant the request id hashes to under that policy; null without a split or policy
     * @param policyVersion the version of the policy the view was computed with; null when the gateway knows none
     */
    record GatewayView(List<String> liveModels, List<String> late, Integer splitVariant, Long policyVersion) {
        GatewayView {
            liveModels = List.copyOf(liveModels);
            late = List.copyOf(late);
        }

        /** One sentence for a person reading the answer: whose view this is and what it rests on. */
        String explanation() {
            String live = liveModels.isEmpty() ? "none" : String.join(", ", liveModels);
            String basis = policyVersion == null
                    ? "the gateway knows no policy for the app, so every live model is listed as late"
                    : "late lists those the policy in force (version " + policyVersion + ") would have waited for";
            return "no decision reached the gateway; registered live models: " + live + "; " + basis
                    + "; which models did answer is known only to the rendezvous";
        }
    }

    private final RegistryView registry;
    private final PolicyStore policies;
    private final LongSupplier clock;

    TimeoutForensics(RegistryView registry, PolicyStore policies, LongSupplier clock) {
        this.registry = registry;
        this.policies = policies;
        this.clock = clock;
    }

    /**
     * @param budgetMs    the request's deadline in ms after receipt
     * @param pinnedModel the model the request was pinned to ({@code name@version}), or null
     */
    GatewayView view(String app, String requestId, long budgetMs, String pinnedModel) {
        Set<Member> expected = new HashSet<>();
        for (ModelRegistration registration : registry.liveMembers(app, clock.getAsLong())) {
            expected.add(new Member(registration.ref(), registration.role()));
        }
        List<String> live = expected.stream().map(member -> member.ref().toString()).sorted().toList();
        Optional<Policy> policy = policies.current(app);
        if (policy.isEmpty()) {
            return new GatewayView(live, live, null, null);
        }
        long deadlineMs = policy.get().effectiveDeadlineMs(OptionalLong.of(budgetMs));
        ModelRef pinned = pinnedModel == null ? null : ModelRef.parse(pinnedModel);
        Evaluation evaluation = Decider.decide(policy.get(), new RequestContext(requestId, deadlineMs, expected, pinned), List.of(), deadlineMs);
        // At the deadline the rule always decides; a Pending here would be a bug in the rule, not a reason to fail the answer.
        if (!(evaluation instanceof Evaluation.Decided decided)) {
            return new GatewayView(live, live, policy.get().splitVariantFor(requestId), policy.get().version());
        }
        return new GatewayView(live, decided.late().stream().map(ModelRef::toString).toList(), decided.splitVariant(), policy.get().version());
    }
}
