package dev.rendezvous.policy;

import dev.rendezvous.policy.Evaluation.Decided;
import dev.rendezvous.policy.Evaluation.Pending;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.Outcome;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rendezvous decision as a pure function of the policy, the request, the answers with their
 * arrival offsets and the current offset: no clock, no I/O, so a virtual clock tests every branch.
 *
 * <p>The rule, evaluated at an instant {@code t} with the answers that arrived by {@code t}:
 * <ol>
 * <li>At or after the deadline: the best answer any stage accepts ({@code deadline-best}), else
 *     the fallback, else a timeout.</li>
 * <li>Before it, in the current stage: serve the best acceptable answer unless an expected member
 *     ranked above it has not answered yet; then wait until the stage's end. At its end, a stage
 *     serves its best answer if it has one. A stage with no answer and nobody left to wait for is
 *     skipped at once, and so is one that ends without an answer.</li>
 * <li>When every stage is skipped, the deadline rule applies at once unless a member it ranks above
 *     the best answer is still expected.</li>
 * </ol>
 * {@link #decide} returns the rule's first decision at any instant up to {@code nowMs} (receipt, arrivals,
 * stage ends, the deadline, now), so a runtime that evaluates late decides exactly as a punctual one
 * would, and never serves an answer that arrived after the deadline.
 */
public final class Decider {
    private Decider() {
    }

    /**
     * Decides the request at {@code nowMs}, or says when to look again.
     *
     * @param answers every answer in the request's mailbox; those that arrived after {@code nowMs} are ignored
     * @param nowMs   the current offset since receipt
     */
    public static Evaluation decide(Policy policy, RequestContext request, List<Answer> answers, long nowMs) {
        long deadlineMs = Math.min(policy.deadlineMs(), request.deadlineMs());
        Integer variant = policy.splitVariantFor(request.requestId());
        StagePlan plan = new StagePlan(policy, variant, deadlineMs, request.pinnedModel());
        Set<Member> expected = expectedIncludingAnswered(request.expected(), answers, nowMs);
        Evaluation evaluation = null;
        for (long instant : plan.eventTimes(answers, nowMs)) {
            evaluation = new RuleAt(policy, plan, variant, expected, answers, instant).evaluate();
            if (evaluation instanceof Decided) {
                return evaluation;
            }
        }
        return evaluation;
    }

    /**
     * A member whose answer is in the mailbox was alive, even if the registry has since lost it: at
     * the instants before its answer arrived, the rule must have been waiting for it.
     */
    private static Set<Member> expectedIncludingAnswered(Set<Member> expected, List<Answer> answers, long nowMs) {
        Set<Member> members = new HashSet<>(expected);
        for (Answer answer : answers) {
            if (answer.arrivalMs() <= nowMs) {
                members.add(new Member(answer.model(), answer.role()));
            }
        }
        return members;
    }

    /** The rule at one instant. */
    private static final class RuleAt {
        private final Policy policy;
        private final StagePlan plan;
        private final Integer variant;
        private final Set<Member> expected;
        private final MailboxView view;
        private final long atMs;

        RuleAt(Policy policy, StagePlan plan, Integer variant, Set<Member> expected, List<Answer> answers, long atMs) {
            this.policy = policy;
            this.plan = plan;
            this.variant = variant;
            this.expected = expected;
            this.view = new MailboxView(answers, atMs);
            this.atMs = atMs;
        }

        Evaluation evaluate() {
            if (atMs >= plan.deadlineMs()) {
                return decideByDeadlineRule();
            }
            for (StagePlan.Window window : plan.windows()) {
                if (window.endMs() < atMs) {
                    continue; // ended before now: its own end was an instant of its own
                }
                Preference preference = window.preference();
                Answer best = preference.best(view);
                boolean ending = window.endMs() == atMs;
                if (!ending && preference.canStillBeat(best, expected, view)) {
                    return new Pending(window.endMs());
                }
                if (best != null) {
                    DecisionReason reason = plan.isFirstChoice(best) ? DecisionReason.PREFERRED : new DecisionReason.Staged(window.number());
                    return served(best, reason);
                }
                // Nothing to serve and nobody left to wait for in this stage: move on now rather than idle to its end.
            }
            if (plan.everyStage().canStillBeat(plan.everyStage().best(view), expected, view)) {
                return new Pending(plan.deadlineMs());
            }
            return decideByDeadlineRule();
        }

        private Evaluation decideByDeadlineRule() {
            Answer best = plan.everyStage().best(view);
            if (best != null) {
                return served(best, DecisionReason.DEADLINE_BEST);
            }
            Fallback fallback = policy.fallback();
            if (fallback != null) {
                return new Decided(Outcome.FALLBACK, null, fallback.output(), DecisionReason.FALLBACK, variant, late(), atMs);
            }
            return new Decided(Outcome.TIMEOUT, null, null, DecisionReason.TIMEOUT, variant, late(), atMs);
        }

        private Decided served(Answer chosen, DecisionReason reason) {
            return new Decided(Outcome.MODEL, chosen, chosen.output(), reason, variant, late(), atMs);
        }

        private List<ModelRef> late() {
            return plan.everyStage().unanswered(expected, view);
        }
    }
}
