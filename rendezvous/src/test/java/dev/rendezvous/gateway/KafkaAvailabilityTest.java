package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the gateway's own sends make Kafka unavailable, and what makes it available again; on a virtual clock. */
class KafkaAvailabilityTest {
    private long nowNanos = 1_000_000_000L;
    private final KafkaAvailability kafka = new KafkaAvailability(() -> nowNanos);

    @Test
    void isAvailableUntilASendFails() {
        assertThat(kafka.problem()).isEmpty();
        assertThat(kafka.availableAsGauge()).isEqualTo(1);
        kafka.failed("Topic t not present in metadata after 0 ms.");
        assertThat(kafka.availableAsGauge()).isZero();
    }

    @Test
    void staysUnavailableAfterAFailureUntilAnAcknowledgement() {
        kafka.failed("Topic t not present in metadata after 1000 ms.");
        advanceMs(5_000);

        assertThat(kafka.problem()).hasValue("Kafka is unavailable: Topic t not present in metadata after 1000 ms.");
        kafka.acknowledged();
        assertThat(kafka.problem()).isEmpty();
    }

    @Test
    void aReadinessCheckClearsAFailureOnlyIfItStartedAfterIt() {
        long checkBefore = nowNanos;
        advanceMs(1);
        kafka.failed("disconnected");
        kafka.reachable(checkBefore);
        assertThat(kafka.problem()).as("a check begun before the failure says nothing about it").isPresent();

        advanceMs(1);
        kafka.reachable(nowNanos);
        assertThat(kafka.problem()).isEmpty();
    }

    private void advanceMs(long ms) {
        nowNanos += ms * 1_000_000;
    }
}
