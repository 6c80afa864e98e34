package dev.rendezvous.engine;

import dev.rendezvous.protocol.ModelScore;

/** A model's answer: the score and when it reached Kafka (its record's timestamp, capped at the time it was read), epoch milliseconds. */
public record Arrival(ModelScore score, long arrivedAtMs) {
}
