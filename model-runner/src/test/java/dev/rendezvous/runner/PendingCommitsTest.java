package dev.rendezvous.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PendingCommitsTest {
    private static final TopicPartition P0 = new TopicPartition("fraud.requests", 0);
    private static final TopicPartition P1 = new TopicPartition("fraud.requests", 1);

    private final PendingCommits pending = new PendingCommits();

    @Test
    void releasesABatchsOffsetsOnlyOnceAllItsSendsAreDone() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        pending.add(Map.of(P0, new OffsetAndMetadata(10)), List.of(first, second));

        first.complete(null);
        assertThat(pending.takeCompleted()).isEmpty();

        second.completeExceptionally(new RuntimeException("failed sends are done too"));
        assertThat(pending.takeCompleted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void neverReleasesALaterBatchBeforeAnEarlierOne() {
        CompletableFuture<Void> early = new CompletableFuture<>();
        pending.add(Map.of(P0, new OffsetAndMetadata(10)), List.of(early));
        pending.add(Map.of(P0, new OffsetAndMetadata(20), P1, new OffsetAndMetadata(5)), List.of(CompletableFuture.completedFuture(null)));

        assertThat(pending.takeCompleted()).isEmpty();

        early.complete(null);
        assertThat(pending.takeCompleted()).containsOnly(Map.entry(P0, new OffsetAndMetadata(20)), Map.entry(P1, new OffsetAndMetadata(5)));
    }

    @Test
    void keepsTheHighestOffsetWhenARewoundRetryEndsLower() {
        pending.add(Map.of(P0, new OffsetAndMetadata(20)), List.of());
        pending.add(Map.of(P0, new OffsetAndMetadata(15)), List.of());

        assertThat(pending.takeAll()).containsExactly(Map.entry(P0, new OffsetAndMetadata(20)));
    }

    @Test
    void takeAllEmptiesEvenUnfinishedBatches() {
        pending.add(Map.of(P1, new OffsetAndMetadata(3)), List.of(new CompletableFuture<Void>()));

        assertThat(pending.takeAll()).containsExactly(Map.entry(P1, new OffsetAndMetadata(3)));
        assertThat(pending.isEmpty()).isTrue();
    }
}
