package dev.rendezvous.gateway;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Whether the gateway may send to Kafka now, as its own sends tell it: a send that failed for a
 * reason Kafka may recover from makes Kafka unavailable; an acknowledged record, or a readiness check
 * that reached Kafka after the failure, makes it available again. Requests are refused with 503 at once
 * while it is unavailable, instead of each trying Kafka.
 *
 * <p>The gateway's producer never waits in {@code send()} ({@code max.block.ms} 0): with the broker
 * gone, Kafka 4 clients forget the topics' metadata about half a second after losing every broker
 * (they re-bootstrap), and from then on every send throws at once — the first such failure is what
 * marks Kafka unavailable here.
 */
final class KafkaAvailability {
    private final LongSupplier nanoClock;
    private volatile String failure;
    private volatile long failedAtNanos;

    KafkaAvailability() {
        this(System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds */
    KafkaAvailability(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Empty while Kafka is available; otherwise why not, for the caller's 503 and {@code /health/ready}. */
    Optional<String> problem() {
        return Optional.ofNullable(failure);
    }

    /** A send failed in a way that says Kafka is away (a retriable error: timeout, no leader, disconnected). */
    void failed(String reason) {
        failedAtNanos = nanoClock.getAsLong();
        failure = unavailable(reason);
    }

    /** The problem as callers and readiness read it. */
    static String unavailable(String reason) {
        return "Kafka is unavailable: " + reason;
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
        return failure == null ? 1 : 0;
    }
}
