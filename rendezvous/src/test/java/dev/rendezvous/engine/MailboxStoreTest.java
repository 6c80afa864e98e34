package dev.rendezvous.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.Outcome;
import dev.rendezvous.protocol.ScoringRequest;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class MailboxStoreTest {
    private static final String APP = "fraud";
    private static final long KEEP_DECIDED = 10_000;
    private static final long ORPHAN = 60_000;

    private final MailboxStore store = new MailboxStore();

    @Test
    void decidedMailboxesAreKeptForTheirWindowThenDropped() {
        Mailbox first = withRequest("r1", 0, 1_000);
        Mailbox second = withRequest("r2", 0, 1_000);
        decide(first, 1_010);
        decide(second, 1_500);

        assertThat(store.sweep(1_010 + KEEP_DECIDED, KEEP_DECIDED, ORPHAN)).isEmpty();
        assertThat(store.size()).isEqualTo(2);
        store.sweep(1_011 + KEEP_DECIDED, KEEP_DECIDED, ORPHAN);
        assertThat(store.size()).isEqualTo(1);
        // The same request id opens the kept mailbox (so a late score is recognised), not a new one.
        assertThat(store.open(APP, "r2", 0, 2_000, true)).isSameAs(second);
        store.sweep(1_501 + KEEP_DECIDED, KEEP_DECIDED, ORPHAN);
        assertThat(store.size()).isZero();
    }

    @Test
    void undecidedMailboxesAreNeverSweptAndCounted() {
        withRequest("r1", 0, 1_000);
        Mailbox decided = withRequest("r2", 0, 1_000);
        decide(decided, 1_001);
        store.open(APP, "s1", 0, 1_000, true); // a score without its request: not counted

        assertThat(store.undecidedCount()).isEqualTo(1);
        store.sweep(1_000 + ORPHAN - 1, KEEP_DECIDED, ORPHAN);
        assertThat(store.undecidedCount()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void scoresWhoseRequestNeverCameAreReturnedAsOrphansOnce() {
        Mailbox orphan = store.open(APP, "s1", 0, 1_000, true);
        Mailbox adopted = store.open(APP, "s2", 0, 1_000, true);
        attach(adopted, 1_200);

        assertThat(store.sweep(1_000 + ORPHAN, KEEP_DECIDED, ORPHAN)).isEmpty();
        assertThat(store.sweep(1_001 + ORPHAN, KEEP_DECIDED, ORPHAN)).containsExactly(orphan);
        assertThat(store.sweep(1_002 + ORPHAN, KEEP_DECIDED, ORPHAN)).isEmpty();
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.undecidedCount()).isEqualTo(1);
    }

    @Test
    void droppingAPartitionForgetsItsMailboxesAndTheirWakeUps() {
        Mailbox kept = withRequest("r1", 0, 1_000);
        Mailbox dropped = withRequest("r2", 1, 1_000);
        store.wakeAt(kept, 1_050);
        store.wakeAt(dropped, 1_040);

        store.dropPartition(APP, 1);

        assertThat(store.undecidedCount()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.due(1_100)).containsExactly(kept);
    }

    @Test
    void dueReturnsEachUndecidedMailboxOnceWhenItsTimeHasCome() {
        Mailbox waiting = withRequest("r1", 0, 1_000);
        Mailbox decided = withRequest("r2", 0, 1_000);
        store.wakeAt(waiting, 1_040);
        store.wakeAt(waiting, 1_060);
        store.wakeAt(decided, 1_040);
        decide(decided, 1_020);

        assertThat(store.nextWakeMs()).isEqualTo(1_040);
        assertThat(store.due(1_039)).isEmpty();
        assertThat(store.due(1_100)).containsExactly(waiting);
        assertThat(store.nextWakeMs()).isEqualTo(Long.MAX_VALUE);
    }

    private Mailbox withRequest(String id, int partition, long nowMs) {
        Mailbox mailbox = store.open(APP, id, partition, nowMs, false);
        attach(mailbox, nowMs);
        return mailbox;
    }

    private void attach(Mailbox mailbox, long nowMs) {
        ScoringRequest request = new ScoringRequest(mailbox.requestId(), APP, JsonNodeFactory.instance.objectNode(), null, nowMs, nowMs + 100, null, null);
        mailbox.attachRequest(request, null, new RecordPosition(new TopicPartition("fraud.requests", mailbox.partition()), 0), null,
                Arbiters.NO_POLICY);
        store.requestAttached(mailbox);
    }

    private void decide(Mailbox mailbox, long nowMs) {
        mailbox.decide(new Decision(mailbox.requestId(), APP, Outcome.TIMEOUT, null, null, null, "test", 1, null, List.of(), List.of(),
                nowMs - 10, nowMs + 90, nowMs));
        store.decided(mailbox);
    }
}
