package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.policy.Evaluation.Decided;
import dev.rendezvous.policy.Evaluation.Pending;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One row of the decision table: a request, its mailbox on a virtual clock, and the expected evaluation. */
final class Scenario {
    static final Member GBT7 = new Member(ModelRef.parse("fraud-gbt@7"), ModelRole.LIVE);
    static final Member LR3 = new Member(ModelRef.parse("fraud-lr@3"), ModelRole.LIVE);
    static final Member RF2 = new Member(ModelRef.parse("fraud-rf@2"), ModelRole.LIVE);
    static final Member NN1 = new Member(ModelRef.parse("fraud-nn@1"), ModelRole.SHADOW);
    static final Member GBT8 = new Member(ModelRef.parse("fraud-gbt@8"), ModelRole.CANARY);
    static final Set<Member> EVERYONE = Set.of(GBT7, LR3, NN1, GBT8);

    private final String name;
    private String policyName = "fraud";
    private String requestId = "req-1";
    private long deadlineMs = 40;
    private Set<Member> expected = EVERYONE;
    private ModelRef pinned;
    private final List<Answer> answers = new ArrayList<>();
    private long nowMs;
    private String expectedSummary;

    private Scenario(String name) {
        this.name = name;
    }

    static Scenario when(String name) {
        return new Scenario(name);
    }

    Scenario policy(String newPolicyName) {
        this.policyName = newPolicyName;
        return this;
    }

    Scenario requestId(String id) {
        this.requestId = id;
        return this;
    }

    Scenario deadline(long ms) {
        this.deadlineMs = ms;
        return this;
    }

    Scenario alive(Member... members) {
        this.expected = new LinkedHashSet<>(List.of(members));
        return this;
    }

    Scenario pinnedTo(Member member) {
        this.pinned = member.ref();
        return this;
    }

    /** A successful answer whose output names the model, so that tests can see whose output was served. */
    Scenario ok(Member member, long arrivalMs) {
        JsonNode output = JsonCodec.mapper().createObjectNode().put("by", member.ref().toString());
        answers.add(Answer.ok(member.ref(), member.role(), arrivalMs, output));
        return this;
    }

    Scenario failed(Member member, long arrivalMs) {
        answers.add(Answer.failed(member.ref(), member.role(), arrivalMs, "model-failure"));
        return this;
    }

    Scenario now(long ms) {
        this.nowMs = ms;
        return this;
    }

    Scenario expect(String summary) {
        this.expectedSummary = summary;
        return this;
    }

    Policy policy() {
        return TestPolicies.load(policyName);
    }

    RequestContext request() {
        return new RequestContext(requestId, deadlineMs, expected, pinned);
    }

    List<Answer> answers() {
        return answers;
    }

    long nowMs() {
        return nowMs;
    }

    String expectedSummary() {
        return expectedSummary;
    }

    Evaluation evaluate(long atMs) {
        return Decider.decide(policy(), request(), answers, atMs);
    }

    /** A one-line rendering that states everything a row checks: who, why, when, who was late, which variant. */
    static String summarize(Evaluation evaluation) {
        if (evaluation instanceof Pending pending) {
            return "pending until " + pending.nextWakeAtMs();
        }
        Decided decided = (Decided) evaluation;
        String served = decided.chosen() != null ? decided.chosen().model() + " " + decided.reason().wireName() : decided.reason().wireName();
        return served + " at " + decided.decidedAtMs() + " late=" + decided.late()
                + (decided.splitVariant() == null ? "" : " variant=" + decided.splitVariant());
    }

    @Override
    public String toString() {
        return name;
    }
}
