package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.policy.Member;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Deciding early enough that the answer reaches the caller by the deadline: the margin, its cap, and the hops it is learnt from. */
class ReplyMarginTest {
    private static final Policy POLICY = PolicyParser.parse("""
            app: fraud
            deadline: 100ms
            stages:
              - accept: [fraud-lr@1]
            fallback: {output: {label: legit}, reason: none in time}
            """, 4);
    private static final long RECEIVED = 1_000_000L;
    private static final ScoringRequest REQUEST = new ScoringRequest("r-1", "fraud",
            JsonCodec.mapper().createObjectNode().put("amount", 1), null, RECEIVED, RECEIVED + 100, null, null);
    private final PolicyArbiter arbiter = new PolicyArbiter(POLICY,
            () -> Set.of(new Member(ModelRef.parse("fraud-lr@1"), ModelRole.LIVE)));

    private static Arrival answerAt(long msAfterReceipt) {
        ModelScore score = new ModelScore("r-1", "fraud", "fraud-lr", "1", ModelRole.LIVE,
                JsonCodec.mapper().createObjectNode().put("label", "fraud"), null, 10, 100, 1, RECEIVED + msAfterReceipt);
        return new Arrival(score, RECEIVED + msAfterReceipt);
    }

    @Test
    void waitsOnlyUntilTheDeadlineLessTheMargin() {
        Verdict verdict = arbiter.evaluate(REQUEST, List.of(), RECEIVED + 10, new ReplyMargin(15, 0.2));

        assertThat(verdict).isEqualTo(new Verdict.Wait(RECEIVED + 85));
        assertThat(arbiter.evaluate(REQUEST, List.of(), RECEIVED + 10, ReplyMargin.NONE)).isEqualTo(new Verdict.Wait(RECEIVED + 100));
    }

    @Test
    void decidesAtTheDeadlineLessTheMarginAndSaysSo() {
        Decision decision = ((Verdict.Decide) arbiter.evaluate(REQUEST, List.of(), RECEIVED + 85, new ReplyMargin(15, 0.2))).decision();

        assertThat(decision.outcome().name()).isEqualTo("FALLBACK");
        assertThat(decision.replyMarginMs()).isEqualTo(15L);
        assertThat(decision.deadlineAtMs()).as("the record keeps the request's own deadline").isEqualTo(RECEIVED + 100);
        assertThat(new String(JsonCodec.encode(decision))).contains("\"replyMarginMs\":15");
    }

    @Test
    void anAnswerAfterTheDeadlineLessTheMarginIsNotServed() {
        Decision late = ((Verdict.Decide) arbiter.evaluate(REQUEST, List.of(answerAt(90)), RECEIVED + 90, new ReplyMargin(15, 0.2))).decision();
        Decision timely = ((Verdict.Decide) arbiter.evaluate(REQUEST, List.of(answerAt(80)), RECEIVED + 80, new ReplyMargin(15, 0.2))).decision();

        assertThat(late.outcome().name()).isEqualTo("FALLBACK");
        assertThat(late.late()).containsExactly("fraud-lr@1");
        assertThat(timely.outcome().name()).isEqualTo("MODEL");
        assertThat(timely.model()).isEqualTo("fraud-lr");
    }

    @Test
    void withoutAMarginTheRecordIsAsBefore() {
        Decision decision = ((Verdict.Decide) arbiter.evaluate(REQUEST, List.of(), RECEIVED + 100)).decision();

        assertThat(decision.replyMarginMs()).isNull();
        assertThat(new String(JsonCodec.encode(decision))).doesNotContain("replyMarginMs");
    }

    @ParameterizedTest(name = "hop {0} ms, share {1}, deadline {2} ms -> margin {3} ms")
    @CsvSource({"15, 0.2, 100, 15", "40, 0.2, 100, 20", "40, 0.2, 30, 6", "40, 0, 100, 0", "0, 0.2, 100, 0", "3, 0.5, 1, 0"})
    void theMarginIsTheHopCappedToAShareOfTheDeadline(long hopMs, double share, long deadlineMs, long marginMs) {
        assertThat(new ReplyMargin(hopMs, share).forDeadline(deadlineMs)).isEqualTo(marginMs);
    }

    @Test
    void refusesAShareOutsideZeroToAHalfNamingTheKey() {
        assertThatThrownBy(() -> new RendezvousSettings(0.6)).hasMessage("rendezvous.replyMarginMaxShare: 0.6 is not between 0 and 0.5");
        assertThatThrownBy(() -> new RendezvousSettings(Double.NaN)).hasMessageContaining("rendezvous.replyMarginMaxShare: NaN");
    }

    @Test
    void learnsTheP99OfTheNewestHopsAndLeavesCatchUpOut() {
        ReplyHops hops = new ReplyHops();
        assertThat(hops.p99Ms(0)).as("nothing learnt yet: no margin").isZero();

        for (int i = 1; i <= 100; i++) {
            hops.readBack(10_000, 10_000 + i);
        }
        hops.readBack(10_000, 10_000 + ReplyHops.MAX_HOP_MS + 1);
        hops.readBack(0, 10_000);

        assertThat(hops.size()).as("a re-read older than a second, and a record without a timestamp, are no hops").isEqualTo(100);
        assertThat(hops.p99Ms(20_000)).isEqualTo(99);
        assertThat(hops.lastP99Ms()).isEqualTo(99);

        for (int i = 0; i < ReplyHops.WINDOW; i++) {
            hops.readBack(30_000, 30_002);
        }
        assertThat(hops.p99Ms(40_000)).as("old hops leave the window").isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,5", "5,5", "6,10", "19,20"})
    void marginsMoveInStepsSoThatOwnerAndStandbyDecideAtTheSameInstant(long hopMs, long stepped) {
        assertThat(ReplyMargin.stepped(hopMs)).isEqualTo(stepped);
    }
}
