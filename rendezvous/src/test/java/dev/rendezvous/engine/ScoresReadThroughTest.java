package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When a partition's scores count as read through an instant: by a later append time read, or by an end offset asked for after it. */
class ScoresReadThroughTest {
    private static final TopicPartition SCORES = new TopicPartition("fraud.scores", 0);
    private static final long T = 1_000_100L;
    private static final long FIRST_ASK = T + ScoresReadThrough.CLOCK_SKEW_MS + 1;

    /** The asks, answered when and as a test says. */
    private final List<CompletableFuture<Long>> asks = new ArrayList<>();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final ScoresReadThrough read = new ScoresReadThrough(partition -> {
        CompletableFuture<Long> ask = new CompletableFuture<>();
        asks.add(ask);
        return ask;
    });

    @BeforeEach
    void assign() {
        consumer.assign(List.of(SCORES));
        consumer.updateBeginningOffsets(Map.of(SCORES, 0L));
        consumer.seek(SCORES, 5);
    }

    @Test
    void aScoreAppendedAfterTheInstantProvesEverythingBeforeItRead() {
        read.read(SCORES, T + 1, TimestampType.LOG_APPEND_TIME);

        assertThat(read.completeThrough(consumer, SCORES, T, T + 1)).isTrue();
        assertThat(asks).as("no broker round trip under load").isEmpty();
    }

    @Test
    void aScoreAppendedAtTheInstantDoesNot() {
        read.read(SCORES, T, TimestampType.LOG_APPEND_TIME);

        assertThat(read.completeThrough(consumer, SCORES, T, T + 10)).isFalse();
    }

    @Test
    void producerTimestampsProveNothing() {
        read.read(SCORES, T + 50, TimestampType.CREATE_TIME);

        assertThat(read.completeThrough(consumer, SCORES, T, T + 10)).isFalse();
        assertThat(asks).hasSize(1);
    }

    @Test
    void anIdlePartitionIsProvenByItsEndOffsetAskedForAfterTheInstant() {
        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK - 1)).as("the broker may still append at the instant").isFalse();
        assertThat(asks).as("not asked yet").isEmpty();

        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK)).as("asked, not answered").isFalse();
        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK + 1)).isFalse();
        assertThat(asks).as("one ask in flight at a time").hasSize(1);

        asks.get(0).complete(5L);
        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK + 2)).isTrue();
        assertThat(read.completeThrough(consumer, SCORES, T - 10, FIRST_ASK + 3)).as("the proof is kept").isTrue();
        assertThat(asks).hasSize(1);
    }

    @Test
    void anEndAskedForTooEarlyProvesOnlyUpToWhenItWasAsked() {
        read.completeThrough(consumer, SCORES, T - 20, T);
        asks.get(0).complete(5L);

        assertThat(read.completeThrough(consumer, SCORES, T, T + 10)).as("asked at T: proves T - 3, not T").isFalse();
        assertThat(asks).as("asked again").hasSize(2);
    }

    @Test
    void unreadScoresAtTheEndMeanNotYetAndTheAnswerIsKeptUntilThePositionReachesIt() {
        read.completeThrough(consumer, SCORES, T, FIRST_ASK);
        asks.get(0).complete(6L);

        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK + 1)).isFalse();
        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK + 2)).isFalse();
        assertThat(asks).as("not asked again while catching up").hasSize(1);
        consumer.seek(SCORES, 6);
        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK + 3)).isTrue();
    }

    @Test
    void aBrokerThatDoesNotAnswerIsNotAskedAgainForAWhile() {
        read.completeThrough(consumer, SCORES, T, FIRST_ASK);
        asks.get(0).completeExceptionally(new TimeoutException("no answer"));

        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK + 1)).isFalse();
        assertThat(read.completeThrough(consumer, SCORES, T, FIRST_ASK + ScoresReadThrough.FAILED_PROBE_BACKOFF_MS)).isFalse();
        assertThat(asks).as("backed off").hasSize(1);
        read.completeThrough(consumer, SCORES, T, FIRST_ASK + 1 + ScoresReadThrough.FAILED_PROBE_BACKOFF_MS);
        assertThat(asks).hasSize(2);
    }

    @Test
    void whatWasReadIsForgottenWhenThePartitionMoves() {
        read.read(SCORES, T + 1, TimestampType.LOG_APPEND_TIME);
        read.forget(List.of(SCORES));

        assertThat(read.completeThrough(consumer, SCORES, T, T + 10)).isFalse();
    }

    @Test
    void looksAgainOnceAnAskCouldProveTheInstant() {
        assertThat(ScoresReadThrough.nextLookMs(T, T)).isEqualTo(FIRST_ASK);
        assertThat(ScoresReadThrough.nextLookMs(T, T + 50)).isEqualTo(T + 51);
    }
}
