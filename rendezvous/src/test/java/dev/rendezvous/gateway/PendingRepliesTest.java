package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each waiting request completes once, only with its own decision; one that comes after the deadline is counted as a miss. */
class PendingRepliesTest {
    private static final String NONCE = "nonce-0123456789abcdef";
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> afterDeadline = new ArrayList<>();
    private final List<Reply> served = new ArrayList<>();
    private final PendingReplies pending = new PendingReplies(now::get, afterDeadline::add);

    private static Decision decision(String id, String nonce) {
        return new Decision(id, "fraud", Outcome.FALLBACK, null, null, null, "fallback", 1, null, List.of(), List.of(),
                1_000, 1_100, 1_090, nonce);
    }

    @Test
    void countsADecisionThatArrivesAfterTheDeadline() {
        pending.register("fraud", "in-time", NONCE, served::add);
        pending.register("fraud", "late", NONCE, served::add);

        now.set(1_100);
        assertThat(pending.complete(decision("in-time", NONCE))).isTrue();
        now.set(1_101);
        assertThat(pending.complete(decision("late", NONCE))).isTrue();

        assertThat(served).extracting(reply -> ((Reply.Decided) reply).decision().requestId()).containsExactly("in-time", "late");
        assertThat(afterDeadline).as("at the deadline is in time; a millisecond after is a miss").containsExactly("fraud");
    }

    @Test
    void aForeignOrRepeatedDecisionCompletesNothingAndCountsNoMiss() {
        pending.register("fraud", "r-1", NONCE, served::add);
        now.set(5_000);

        assertThat(pending.complete(decision("r-1", "other-nonce-0123456789"))).isFalse();
        assertThat(pending.foreignDecisions()).isEqualTo(1);
        assertThat(afterDeadline).isEmpty();

        assertThat(pending.complete(decision("r-1", NONCE))).isTrue();
        assertThat(pending.complete(decision("r-1", NONCE))).as("completes once").isFalse();
        assertThat(served).hasSize(1);
        assertThat(afterDeadline).containsExactly("fraud");
    }

    @Test
    void anExpiredRequestEndsWithNoDecisionInTimeOnceAndADecisionAfterThatCompletesNothing() {
        pending.register("fraud", "r-1", NONCE, served::add);

        assertThat(pending.expire("fraud", "r-1")).isTrue();
        assertThat(pending.expire("fraud", "r-1")).as("expires once").isFalse();
        assertThat(pending.complete(decision("r-1", NONCE))).isFalse();
        assertThat(served).containsExactly(Reply.NONE_IN_TIME);
    }
}
