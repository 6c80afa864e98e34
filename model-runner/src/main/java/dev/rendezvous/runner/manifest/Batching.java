package dev.rendezvous.runner.manifest;

/**
 * Micro-batching limits: at most {@code maxBatch} requests per model call, and how long the runner
 * pauses after a batch so that the requests of that time gather into the next one (0: it fetches
 * again at once, and each poll's requests are scored together). A model the policy serves first wants
 * 0; a shadow, a canary or a later-stage fallback trades up to {@code maxWaitMs} of its queue wait for
 * far fewer fetches, wake-ups and model calls under load.
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
