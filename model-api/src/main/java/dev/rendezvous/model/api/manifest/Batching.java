package dev.rendezvous.model.api.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * Micro-batching limits: at most {@code maxBatch} requests per model call, and how long the runner
 * pauses after a batch so that the requests of that time gather into the next one (0: it fetches
 * again at once, and each poll's requests are scored together). A model the policy serves first wants
 * 0; a shadow, a canary or a later-stage fallback trades up to {@code maxWaitMs} of its queue wait for
 * far fewer fetches, wake-ups and model calls under load.
 *
 * <p>{@code enabled: false} (in a manifest, {@code batching: false}) forbids batching: every request
 * is its own model call. For a batch-sensitive model — one whose output for a request depends on the
 * other requests in the call, such as a dynamically quantized one (docs/models.md) — that is the only
 * way to make an answer independent of the traffic it arrived with.
 *
 * @param enabled null or true: requests may share a call; false: never
 */
public record Batching(Integer maxBatch, Integer maxWaitMs, Boolean enabled) {
    public static final int DEFAULT_MAX_BATCH = 64;
    public static final int DEFAULT_MAX_WAIT_MS = 0;

    public Batching {
        enabled = enabled == null || enabled;
        if (!enabled && maxBatch != null && maxBatch != 1) {
            throw new IllegalArgumentException("batching.maxBatch is " + maxBatch + " but batching.enabled is false; expected no maxBatch "
                    + "(or 1) for a model that must not batch");
        }
        maxBatch = maxBatch == null ? (enabled ? DEFAULT_MAX_BATCH : 1) : maxBatch;
        maxWaitMs = maxWaitMs == null ? DEFAULT_MAX_WAIT_MS : maxWaitMs;
        if (maxBatch < 1 || maxBatch > 10_000) {
            throw new IllegalArgumentException("batching.maxBatch is " + maxBatch + "; expected 1 to 10000");
        }
        if (maxWaitMs < 0 || maxWaitMs > 1_000) {
            throw new IllegalArgumentException("batching.maxWaitMs is " + maxWaitMs + "; expected 0 to 1000 milliseconds");
        }
    }

    /** Batching allowed, with these limits. */
    public Batching(Integer maxBatch, Integer maxWaitMs) {
        this(maxBatch, maxWaitMs, null);
    }

    /** {@code batching: true} (the defaults) or {@code batching: false} (never batch) in a manifest. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Batching allowed(boolean allowed) {
        return allowed ? defaults() : never();
    }

    public static Batching defaults() {
        return new Batching(null, null, null);
    }

    /** Every request its own model call. */
    public static Batching never() {
        return new Batching(null, null, false);
    }
}
