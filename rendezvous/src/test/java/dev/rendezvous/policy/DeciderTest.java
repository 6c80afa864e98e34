package dev.rendezvous.policy;

import static dev.rendezvous.policy.Scenario.EVERYONE;
import static dev.rendezvous.policy.Scenario.GBT7;
import static dev.rendezvous.policy.Scenario.GBT8;
import static dev.rendezvous.policy.Scenario.LR3;
import static dev.rendezvous.policy.Scenario.NN1;
import static dev.rendezvous.policy.Scenario.RF2;
import static dev.rendezvous.policy.Scenario.when;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.policy.Evaluation.Decided;
import dev.rendezvous.policy.Evaluation.Pending;
import dev.rendezvous.protocol.Outcome;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision table: each row is a mailbox on a virtual clock and what the policy must make of it.
 * Unless a row says otherwise: policy {@code fraud.yaml} (the brief's example without split),
 * request {@code req-1}, deadline 40ms, alive = fraud-gbt@7 and fraud-lr@3 (live), fraud-nn@1
 * (shadow), fraud-gbt@8 (canary).
 */
class DeciderTest {

    static Stream<Scenario> table() {
        return Stream.of(
                // Preferred answers first.
                when("serves the preferred model the moment it answers")
                        .ok(GBT7, 5).now(5).expect("fraud-gbt@7 preferred at 5 late=[fraud-lr@3]"),
                when("serves the preferred model arriving in stage 2 over an earlier lesser answer")
                        .ok(LR3, 3).ok(GBT7, 20).now(20).expect("fraud-gbt@7 preferred at 20 late=[]"),
                when("serves the preferred model answering during the last stage as preferred")
                        .ok(GBT7, 30).now(30).expect("fraud-gbt@7 preferred at 30 late=[fraud-lr@3]"),

                // Stages.
                when("keeps waiting in stage 1 when only a model it does not accept answered")
                        .ok(LR3, 3).now(3).expect("pending until 10"),
                when("at the end of stage 1 moves to stage 2 and waits there for the preferred model")
                        .ok(LR3, 3).now(10).expect("pending until 25"),
                when("serves stage 2's best answer at the end of stage 2")
                        .ok(LR3, 3).now(25).expect("fraud-lr@3 stage-2 at 25 late=[fraud-gbt@7]"),
                when("serves the first live answer in the any-live stage")
                        .ok(LR3, 27).now(27).expect("fraud-lr@3 stage-3 at 27 late=[fraud-gbt@7]"),
                when("judges an answer arriving exactly at a stage end by the stage that ends")
                        .ok(LR3, 25).now(25).expect("fraud-lr@3 stage-2 at 25 late=[fraud-gbt@7]"),
                when("judges an answer at a stage end by the next stage when the ending one does not accept it")
                        .ok(LR3, 10).now(10).expect("pending until 25"),
                when("serves an earlier stage's model before the deadline once the later stages' models failed")
                        .policy("two-lists").failed(LR3, 12).ok(GBT7, 30).now(30).expect("fraud-gbt@7 deadline-best at 30 late=[]"),
                when("waits for an earlier stage's model until the deadline when the later stages' models failed")
                        .policy("two-lists").failed(LR3, 12).now(20).expect("pending until 40"),
                when("serves any live version of a model named with name@* but not its canary")
                        .policy("family").ok(GBT8, 2).ok(GBT7, 5).now(5).expect("fraud-gbt@7 preferred at 5 late=[]"),

                // Next wake-up.
                when("sleeps until the end of stage 1 when nothing has answered")
                        .now(0).expect("pending until 10"),
                when("sleeps until the deadline during the last stage")
                        .now(26).expect("pending until 40"),

                // The deadline.
                when("serves an answer arriving exactly at the deadline as deadline-best")
                        .ok(LR3, 40).now(40).expect("fraud-lr@3 deadline-best at 40 late=[fraud-gbt@7]"),
                when("falls back at the deadline when no acceptable model answered")
                        .now(40).expect("fallback at 40 late=[fraud-gbt@7, fraud-lr@3]"),
                when("times out at the deadline when the policy has no fallback")
                        .policy("fraud-no-fallback").now(40).expect("timeout at 40 late=[fraud-gbt@7, fraud-lr@3]"),
                when("never serves an answer that arrived after the deadline")
                        .ok(GBT7, 41).now(50).expect("fallback at 40 late=[fraud-gbt@7, fraud-lr@3]"),
                when("closes stage 2 at its end even when evaluated after it")
                        .ok(LR3, 3).now(30).expect("fraud-lr@3 stage-2 at 25 late=[fraud-gbt@7]"),
                when("reads the mailbox in arrival order whatever the order of the list")
                        .ok(LR3, 8).failed(GBT7, 2).ok(LR3, 3).now(8).expect("fraud-lr@3 stage-2 at 3 late=[]"),
                when("decides as of the moment it could have when evaluated late")
                        .ok(LR3, 38).ok(GBT7, 42).now(45).expect("fraud-lr@3 stage-3 at 38 late=[fraud-gbt@7]"),

                // Ties.
                when("breaks a tie in arrival by preference order")
                        .ok(LR3, 12).ok(GBT7, 12).now(12).expect("fraud-gbt@7 preferred at 12 late=[]"),
                when("breaks a tie between equally preferred models by name@version")
                        .alive(GBT7, LR3, RF2).ok(RF2, 30).ok(LR3, 30).now(30).expect("fraud-lr@3 stage-3 at 30 late=[fraud-gbt@7]"),

                // Errors and liveness.
                when("does not wait for a model that reported an error")
                        .failed(GBT7, 2).ok(LR3, 3).now(3).expect("fraud-lr@3 stage-2 at 3 late=[]"),
                when("falls back at once when every acceptable model reported an error")
                        .failed(GBT7, 2).failed(LR3, 4).now(4).expect("fallback at 4 late=[]"),
                when("times out at once when every acceptable model failed and there is no fallback")
                        .policy("fraud-no-fallback").failed(GBT7, 2).failed(LR3, 4).now(4).expect("timeout at 4 late=[]"),
                when("does not wait for a member that is not alive")
                        .alive(LR3, NN1).ok(LR3, 3).now(3).expect("fraud-lr@3 stage-2 at 3 late=[]"),
                when("falls back at once when no acceptable member is alive")
                        .alive(NN1, GBT8).now(0).expect("fallback at 0 late=[]"),
                when("still serves an answer from a member the registry believes dead")
                        .alive(LR3).ok(GBT7, 6).now(6).expect("fraud-gbt@7 preferred at 6 late=[fraud-lr@3]"),
                when("ignores answers that arrive after now")
                        .ok(LR3, 3).ok(GBT7, 12).now(11).expect("pending until 25"),

                // Shadows and canaries.
                when("never serves a shadow model")
                        .ok(NN1, 1).now(40).expect("fallback at 40 late=[fraud-gbt@7, fraud-lr@3]"),
                when("never serves the canary through any-live")
                        .ok(GBT8, 30).now(40).expect("fallback at 40 late=[fraud-gbt@7, fraud-lr@3]"),
                when("does not serve the canary before the stage that names role:canary")
                        .policy("canary").ok(GBT8, 5).now(5).expect("pending until 20"),
                when("serves the canary in the stage that names role:canary")
                        .policy("canary").ok(GBT8, 5).now(20).expect("fraud-gbt@8 stage-2 at 20 late=[fraud-gbt@7]"),

                // Pinned model.
                when("serves only the pinned model even when the preferred one answered first")
                        .pinnedTo(LR3).ok(GBT7, 2).ok(LR3, 5).now(5).expect("fraud-lr@3 stage-2 at 5 late=[]"),
                when("waits for the pinned model and ignores the others")
                        .pinnedTo(GBT7).ok(LR3, 3).now(12).expect("pending until 25"),
                when("falls back at once when the pinned model reported an error")
                        .pinnedTo(LR3).ok(GBT7, 4).failed(LR3, 5).now(5).expect("fallback at 5 late=[]"),
                when("falls back at once when pinned to a model the policy never serves")
                        .pinnedTo(NN1).ok(NN1, 3).now(3).expect("fallback at 0 late=[]"),

                // Deadlines shortened by the caller.
                when("waits no longer than a deadline the caller shortened")
                        .deadline(15).ok(LR3, 3).now(12).expect("pending until 15"),
                when("takes the best answer at a deadline the caller shortened")
                        .deadline(15).ok(LR3, 3).now(15).expect("fraud-lr@3 deadline-best at 15 late=[fraud-gbt@7]"),
                when("accepts every stage's models at a deadline the caller cut into stage 1")
                        .deadline(8).ok(LR3, 3).now(8).expect("fraud-lr@3 deadline-best at 8 late=[fraud-gbt@7]"),
                when("decides at once when the effective deadline has already passed")
                        .deadline(0).now(2).expect("fallback at 0 late=[fraud-gbt@7, fraud-lr@3]"),
                when("ignores a caller's request for a longer deadline")
                        .deadline(100).now(40).expect("fallback at 40 late=[fraud-gbt@7, fraud-lr@3]"),

                // Splits: req-1 hashes to variant 0 (fraud-gbt@7), req-6 to variant 1 (fraud-gbt@8, the canary).
                when("serves the split variant's preferred model first")
                        .policy("fraud-split").requestId("req-6").ok(GBT7, 3).ok(GBT8, 6).now(6)
                        .expect("fraud-gbt@8 preferred at 6 late=[fraud-lr@3] variant=1"),
                when("waits for the split variant's preferred model during stage 1")
                        .policy("fraud-split").requestId("req-6").ok(GBT7, 3).now(3).expect("pending until 10"),
                when("serves the stage's model at the end of stage 1 when the variant's model is slow")
                        .policy("fraud-split").requestId("req-6").ok(GBT7, 3).now(10)
                        .expect("fraud-gbt@7 stage-1 at 10 late=[fraud-gbt@8, fraud-lr@3] variant=1"),
                when("serves the champion at once in the other variant and never its canary")
                        .policy("fraud-split").requestId("req-1").ok(GBT8, 2).ok(GBT7, 3).now(3)
                        .expect("fraud-gbt@7 preferred at 3 late=[fraud-lr@3] variant=0"),
                when("records the split variant of a fallback")
                        .policy("fraud-split").requestId("req-6").alive(GBT7, GBT8).failed(GBT8, 1).failed(GBT7, 2).now(2)
                        .expect("fallback at 2 late=[] variant=1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decidesAsThePolicySays(Scenario scenario) {
        Evaluation evaluation = scenario.evaluate(scenario.nowMs());

        assertThat(Scenario.summarize(evaluation)).isEqualTo(scenario.expectedSummary());
        if (evaluation instanceof Pending pending) {
            assertThat(pending.nextWakeAtMs()).isGreaterThan(scenario.nowMs());
        } else {
            assertServesWhatItChose((Decided) evaluation, scenario);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void aRuntimeEvaluatingEveryMillisecondReachesTheSameDecision(Scenario scenario) {
        Evaluation atNow = scenario.evaluate(scenario.nowMs());

        Evaluation firstDecision = null;
        for (long t = 0; t <= scenario.nowMs() && firstDecision == null; t++) {
            Evaluation step = scenario.evaluate(t);
            if (step instanceof Decided) {
                firstDecision = step;
            }
        }

        if (atNow instanceof Decided) {
            assertThat(firstDecision).isEqualTo(atNow);
        } else {
            assertThat(firstDecision).isNull();
        }
    }

    /**
     * Liveness that changes over time is outside the table (a row has one alive set): fraud-gbt@7
     * answered at 12 and was lost by the registry before a late evaluation at 14. Looking back, it
     * was alive at 11, so the rule must have waited for it then rather than serve fraud-lr@3.
     */
    @Test
    void countsAMemberThatAnsweredAsAliveWhenLookingBack() {
        Scenario scenario = when("fraud-gbt@7 answered, then the registry lost it").alive(LR3).ok(LR3, 11).ok(GBT7, 12);

        assertThat(Scenario.summarize(scenario.evaluate(14))).isEqualTo("fraud-gbt@7 preferred at 12 late=[]");
    }

    private static void assertServesWhatItChose(Decided decided, Scenario scenario) {
        assertThat(decided.decidedAtMs()).isLessThanOrEqualTo(scenario.nowMs());
        switch (decided.outcome()) {
            case MODEL -> {
                assertThat(decided.chosen().arrivalMs()).isLessThanOrEqualTo(decided.decidedAtMs());
                assertThat(decided.output().get("by").asText()).isEqualTo(decided.chosen().model().toString());
            }
            case FALLBACK -> assertThat(decided.output()).isEqualTo(scenario.policy().fallback().output());
            case TIMEOUT -> assertThat(decided.output()).isNull();
        }
        assertThat(decided.outcome() == Outcome.MODEL).isEqualTo(decided.chosen() != null);
    }
}
