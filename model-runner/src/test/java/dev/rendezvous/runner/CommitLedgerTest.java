package dev.rendezvous.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommitLedgerTest {
    private static final TopicPartition P0 = new TopicPartition("fraud.requests", 0);
    private static final TopicPartition P1 = new TopicPartition("fraud.requests", 1);

    private final CommitLedger ledger = new CommitLedger();

    /** A poll of one record per partition, ending before these commit offsets. */
    private List<CommitLedger.Share> add(Map<TopicPartition, OffsetAndMetadata> offsets, int versions) {
        Map<TopicPartition, CommitLedger.Range> ranges = new java.util.HashMap<>();
        offsets.forEach((partition, next) -> ranges.put(partition, new CommitLedger.Range(next.offset() - 1, next.offset())));
        return ledger.add(ranges, versions);
    }

    @Test
    void releasesAPollsOffsetsOnlyOnceEveryVersionHasSentAndEverySendIsDone() {
        List<CommitLedger.Share> shares = add(Map.of(P0, new OffsetAndMetadata(10)), 2);
        CompletableFuture<Void> fast = new CompletableFuture<>();
        CompletableFuture<Void> slow = new CompletableFuture<>();

        shares.get(0).sent(List.of(fast));
        fast.complete(null);
        assertThat(ledger.takeCompleted()).as("the second version has not answered yet").isEmpty();

        shares.get(1).sent(List.of(slow));
        assertThat(ledger.allDone()).isTrue();
        assertThat(ledger.takeCompleted()).as("its send is still in flight").isEmpty();

        slow.complete(null);
        assertThat(ledger.takeCompleted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
        assertThat(ledger.isEmpty()).isTrue();
    }

    @Test
    void aFailedSendHoldsTheCommitAndItsPollIsReadAgainFromItsFirstRecord() {
        CompletableFuture<Void> delivered = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> failed = new CompletableFuture<>();
        List<CommitLedger.Share> first = ledger.add(new java.util.HashMap<>(Map.of(P0, new CommitLedger.Range(4, 10))), 2);
        first.get(0).sent(List.of(delivered));
        first.get(1).sent(List.of(delivered, failed));
        ledger.add(new java.util.HashMap<>(Map.of(P0, new CommitLedger.Range(10, 20), P1, new CommitLedger.Range(3, 7))), 1).get(0)
                .sent(List.of(delivered));

        assertThat(ledger.takeFailed()).as("a send still in flight").isEmpty();
        failed.completeExceptionally(new RuntimeException("delivery timeout"));

        assertThat(ledger.takeCompleted()).as("a failed send is no answer: the commit may not pass it").isEmpty();
        assertThat(ledger.takeFailed()).containsExactly(Map.entry(P0, 4L));
        assertThat(ledger.takeCompleted()).as("P0's later offsets go too: P0 is read again from 4")
                .containsExactly(Map.entry(P1, new OffsetAndMetadata(7)));
        assertThat(ledger.isEmpty()).isTrue();
    }

    @Test
    void aReleasedShareNoLongerHoldsThePoll() {
        List<CommitLedger.Share> shares = add(Map.of(P0, new OffsetAndMetadata(10)), 2);
        shares.get(0).sent(List.of(CompletableFuture.completedFuture(null)));

        shares.get(1).release();

        assertThat(ledger.takeCompleted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
    }

    @Test
    void aPollHandedToNoVersionIsCommittableAtOnce() {
        add(Map.of(P0, new OffsetAndMetadata(4)), 0);

        assertThat(ledger.takeCompleted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(4)));
    }

    @Test
    void neverReleasesALaterPollBeforeAnEarlierOne() {
        CompletableFuture<Void> early = new CompletableFuture<>();
        add(Map.of(P0, new OffsetAndMetadata(10)), 1).get(0).sent(List.of(early));
        add(Map.of(P0, new OffsetAndMetadata(20), P1, new OffsetAndMetadata(5)), 1).get(0)
                .sent(List.of(CompletableFuture.completedFuture(null)));

        assertThat(ledger.takeCompleted()).isEmpty();

        early.complete(null);
        assertThat(ledger.takeCompleted()).containsOnly(Map.entry(P0, new OffsetAndMetadata(20)), Map.entry(P1, new OffsetAndMetadata(5)));
    }

    @Test
    void keepsTheHighestOffsetWhenARewoundRetryEndsLower() {
        add(Map.of(P0, new OffsetAndMetadata(20)), 0);
        add(Map.of(P0, new OffsetAndMetadata(15)), 0);

        assertThat(ledger.takeCompleted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(20)));
    }

    @Test
    void forgetsRevokedPartitionsOfWaitingPolls() {
        CommitLedger.Share waiting = add(Map.of(P0, new OffsetAndMetadata(10), P1, new OffsetAndMetadata(3)), 1).get(0);

        ledger.forget(List.of(P0));
        waiting.sent(List.of());

        assertThat(ledger.takeCompleted()).containsExactly(Map.entry(P1, new OffsetAndMetadata(3)));
    }
}
