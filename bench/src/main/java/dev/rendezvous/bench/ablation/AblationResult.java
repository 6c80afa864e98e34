package dev.rendezvous.bench.ablation;

import dev.rendezvous.bench.load.LoadResult;

/**
 * What one ablation step measured: the rendezvous path and, interleaved with it on the same broker,
 * three bare Kafka hops.
 *
 * @param startMillis the platform's start-up for this step (command to ready)
 */
public record AblationResult(AblationStep step, long startMillis, LoadResult floor, LoadResult rendezvous) {
}
