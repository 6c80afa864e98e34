package dev.rendezvous.replay.scoring;

import dev.rendezvous.replay.answer.Answer;

/**
 * One input after replay: who it is, when it was received, and what the replayed model (and, with
 * {@code --against <manifest>}, the other model) answered.
 *
 * @param receivedAtMs the request's {@code receivedAtMs}; 0 when its bytes are not a request
 * @param against      the other model's answer; null when comparing with what was served
 */
public record Replayed(String requestId, int partition, long offset, long receivedAtMs, Answer replayed, Answer against) {
}
