package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A request's offset is committed only once it is decided: a rendezvous that dies re-reads what it had not decided. */
class OffsetTrackerTest {
    private static final TopicPartition REQUESTS = new TopicPartition("fraud.requests", 0);
    private static final TopicPartition SCORES = new TopicPartition("fraud.scores", 0);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsUpToTheOldestUndecidedRequest() {
        tracker.read(REQUESTS, 10);
        tracker.read(REQUESTS, 11);
        tracker.read(REQUESTS, 12);
        tracker.decided(REQUESTS, 10);
        tracker.decided(REQUESTS, 12);

        assertThat(tracker.committable()).isEqualTo(Map.of(REQUESTS, new OffsetAndMetadata(11)));
    }

    @Test
    void commitsEverythingReadOnceAllIsDecided() {
        tracker.read(REQUESTS, 10);
        tracker.read(REQUESTS, 11);
        tracker.decided(REQUESTS, 11);
        tracker.decided(REQUESTS, 10);

        assertThat(tracker.committable()).isEqualTo(Map.of(REQUESTS, new OffsetAndMetadata(12)));
    }

    @Test
    void recordsThatNeedNoDecisionMoveTheCommitOnlyPastWhatIsDecided() {
        tracker.read(SCORES, 3);
        tracker.passed(SCORES, 4);
        tracker.passed(SCORES, 5);

        assertThat(tracker.committable()).as("the score at 3 still waits for its request's decision")
                .isEqualTo(Map.of(SCORES, new OffsetAndMetadata(3)));
        tracker.decided(SCORES, 3);
        assertThat(tracker.committable()).isEqualTo(Map.of(SCORES, new OffsetAndMetadata(6)));
    }

    @Test
    void aDecisionOfAnOffsetNeverReadChangesNothing() {
        tracker.read(REQUESTS, 7);
        tracker.decided(REQUESTS, 6);
        tracker.decided(SCORES, 1);

        assertThat(tracker.committable()).isEqualTo(Map.of(REQUESTS, new OffsetAndMetadata(7)));
    }

    @Test
    void aLostPartitionIsNotCommittedAnyMore() {
        tracker.read(REQUESTS, 7);
        tracker.read(SCORES, 2);
        tracker.forget(REQUESTS);

        assertThat(tracker.committable()).containsOnlyKeys(SCORES);
    }
}
