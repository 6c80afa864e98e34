package dev.rendezvous.runner.manifest;

/**
 * Micro-batching limits: at most {@code maxBatch} requests per model call, and how long the runner
 * may wait for more requests to fill a batch (0: score what one poll returned, at once).
 */
public record Batching(Integer maxBatch, Integer maxWaitMs) {
    public static final int DEFAULT_MAX_BATCH = 64;
    public static final int DEFAULT_MAX_WAIT_MS = 0;

    public Batching {
        maxBatch = maxBatch == null ? DEFAULT_MAX_BATCH : maxBatch;
        maxWaitMs = maxWaitMs == null ? DEFAULT_MAX_WAIT_MS : maxWaitMs;
        if (maxBatch < 1 || maxBatch > 10_000) {
            throw new IllegalArgumentException("batching.maxBatch is " + maxBatch + "; expected 1 to 10000");
        }
        if (maxWaitMs < 0 || maxWaitMs > 1_000) {
            throw new IllegalArgumentException("batching.maxWaitMs is " + maxWaitMs + "; expected 0 to 1000 milliseconds");
        }
    }

    public static Batching defaults() {
        return new Batching(null, null);
    }
}
