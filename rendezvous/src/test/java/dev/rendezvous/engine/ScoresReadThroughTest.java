package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When a partition's scores count as read through an instant: by a later append time read, or by a fresh end offset. */
class ScoresReadThroughTest {
    private static final TopicPartition SCORES = new TopicPartition("fraud.scores", 0);
    private static final long T = 1_000_100L;

    /** Counts probes, so that a test can tell a proof from what was read apart from one from the broker. */
    private static final class CountingConsumer extends MockConsumer<byte[], byte[]> {
        int probes;
        boolean brokerAway;

        CountingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
            probes++;
            if (brokerAway) {
                throw new TimeoutException("no answer in " + timeout);
            }
            return super.endOffsets(partitions, timeout);
        }
    }

    private final CountingConsumer consumer = new CountingConsumer();
    private final ScoresReadThrough read = new ScoresReadThrough();

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
        assertThat(consumer.probes).as("no broker round trip under load").isZero();
    }

    @Test
    void aScoreAppendedAtTheInstantDoesNot() {
        consumer.updateEndOffsets(Map.of(SCORES, 9L));
        read.read(SCORES, T, TimestampType.LOG_APPEND_TIME);

        assertThat(read.completeThrough(consumer, SCORES, T, T + 10)).isFalse();
    }

    @Test
    void producerTimestampsProveNothing() {
        consumer.updateEndOffsets(Map.of(SCORES, 9L));
        read.read(SCORES, T + 50, TimestampType.CREATE_TIME);

        assertThat(read.completeThrough(consumer, SCORES, T, T + 10)).isFalse();
    }

    @Test
    void anIdlePartitionIsProvenByItsEndOffsetAskedForAfterTheInstant() {
        consumer.updateEndOffsets(Map.of(SCORES, 5L));

        assertThat(read.completeThrough(consumer, SCORES, T, T + ScoresReadThrough.CLOCK_SKEW_MS))
                .as("the broker may still append at the instant: no probe yet").isFalse();
        assertThat(consumer.probes).isZero();
        assertThat(read.completeThrough(consumer, SCORES, T, T + ScoresReadThrough.CLOCK_SKEW_MS + 1)).isTrue();
        assertThat(read.completeThrough(consumer, SCORES, T - 10, T + ScoresReadThrough.CLOCK_SKEW_MS + 1)).isTrue();
        assertThat(consumer.probes).as("the proof is kept").isEqualTo(1);
    }

    @Test
    void unreadScoresAtTheEndMeanNotYetAndProbesAtMostOncePerMillisecond() {
        consumer.updateEndOffsets(Map.of(SCORES, 6L));

        assertThat(read.completeThrough(consumer, SCORES, T, T + 20)).isFalse();
        assertThat(read.completeThrough(consumer, SCORES, T, T + 20)).isFalse();
        assertThat(consumer.probes).isEqualTo(1);
        consumer.seek(SCORES, 6);
        assertThat(read.completeThrough(consumer, SCORES, T, T + 21)).isTrue();
    }

    @Test
    void aBrokerThatDoesNotAnswerProvesNothing() {
        consumer.updateEndOffsets(Map.of(SCORES, 5L));
        consumer.brokerAway = true;

        assertThat(read.completeThrough(consumer, SCORES, T, T + 20)).isFalse();
        consumer.brokerAway = false;
        assertThat(read.completeThrough(consumer, SCORES, T, T + 20 + ScoresReadThrough.FAILED_PROBE_BACKOFF_MS))
                .as("not probed again within the back-off").isFalse();
        assertThat(consumer.probes).isEqualTo(1);
        assertThat(read.completeThrough(consumer, SCORES, T, T + 21 + ScoresReadThrough.FAILED_PROBE_BACKOFF_MS)).isTrue();
    }

    @Test
    void whatWasReadIsForgottenWhenThePartitionMoves() {
        consumer.updateEndOffsets(Map.of(SCORES, 9L));
        read.read(SCORES, T + 1, TimestampType.LOG_APPEND_TIME);
        read.forget(List.of(SCORES));

        assertThat(read.completeThrough(consumer, SCORES, T, T + 10)).isFalse();
    }

    @Test
    void looksAgainOnceAProbeCouldProveTheInstant() {
        assertThat(ScoresReadThrough.nextLookMs(T, T)).isEqualTo(T + ScoresReadThrough.CLOCK_SKEW_MS + 1);
        assertThat(ScoresReadThrough.nextLookMs(T, T + 50)).isEqualTo(T + 51);
    }
}
