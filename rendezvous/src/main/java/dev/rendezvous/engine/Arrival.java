package dev.rendezvous.engine;

import dev.rendezvous.protocol.ModelScore;

/** A model's answer as it reached the rendezvous: the score and when it was read, epoch milliseconds. */
public record Arrival(ModelScore score, long arrivedAtMs) {
}
