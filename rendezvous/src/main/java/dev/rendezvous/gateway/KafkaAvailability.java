package dev.rendezvous.gateway;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Whether the gateway may send to Kafka now, as its own sends tell it: a send that failed for a
 * reason Kafka may recover from, or one that has been stuck in {@code producer.send()} for longer than
 * {@code stalledSendMs}, makes Kafka unavailable; an acknowledged record, or a readiness check that
 * reached Kafka after the failure, makes it available again. Requests are refused with 503 at once
 * while it is unavailable, instead of each waiting for Kafka.
 *
 * <p>A send with the topic's metadata at hand returns in microseconds; it waits only to fetch metadata
 * or for buffer space. Measured with the broker gone (docs/reliability.md): Kafka 4 clients forget the
 * topics' metadata about half a second after losing every broker (they re-bootstrap), and from then on
 * every send waited the full {@code max.block.ms}. So a send still inside {@code producer.send()} after
 * {@code stalledSendMs} already says enough.
 */
final class KafkaAvailability {
    private static final long IDLE = Long.MIN_VALUE;

    private final LongSupplier nanoClock;
    private final long stalledSendNanos;
    private volatile String failure;
    private volatile long failedAtNanos;
    private volatile long sendStartedAtNanos = IDLE;

    /**
     * @param nanoClock     a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @param stalledSendMs how long one {@code producer.send()} may take before Kafka counts as unavailable
     */
    KafkaAvailability(LongSupplier nanoClock, long stalledSendMs) {
        this.nanoClock = nanoClock;
        this.stalledSendNanos = stalledSendMs * 1_000_000;
    }

    /** Empty while Kafka is available; otherwise why not, for the caller's 503 and {@code /health/ready}. */
    Optional<String> problem() {
        String known = failure;
        if (known != null) {
            return Optional.of(known);
        }
        long started = sendStartedAtNanos;
        long waitingNanos = started == IDLE ? 0 : nanoClock.getAsLong() - started;
        if (waitingNanos > stalledSendNanos) {
            return Optional.of("Kafka is unavailable: a send has been waiting " + waitingNanos / 1_000_000 + " ms for the broker");
        }
        return Optional.empty();
    }

    /** The sender enters {@code producer.send()}. */
    void sending() {
        sendStartedAtNanos = nanoClock.getAsLong();
    }

    /** The sender left {@code producer.send()}, whether it returned or threw. */
    void sendReturned() {
        sendStartedAtNanos = IDLE;
    }

    /** A send failed in a way that says Kafka is away (a retriable error: timeout, no leader, disconnected). */
    void failed(String reason) {
        failedAtNanos = nanoClock.getAsLong();
        failure = "Kafka is unavailable: " + reason;
    }

    /** Kafka acknowledged a record: it is there. */
    void acknowledged() {
        failure = null;
    }

    /**
     * A readiness check that started at {@code checkStartedAtNanos} reached Kafka. It clears a failure
     * seen before the check began (refused requests send nothing, so no acknowledgement would).
     */
    void reachable(long checkStartedAtNanos) {
        if (failure != null && checkStartedAtNanos - failedAtNanos > 0) {
            failure = null;
        }
    }

    /** 1 while available, else 0: the gauge {@code rdv_gateway_kafka_available}. */
    double availableAsGauge() {
        return problem().isPresent() ? 0 : 1;
    }
}
