package dev.rendezvous.gateway;

/**
 * Settings of the gateway's latency-driven load shedding: each app's in-flight limit adapts to how
 * quickly its answers come back (see {@link AdaptiveLimit}); the static {@code gateway.maxInflight*}
 * limits stay in force above it.
 *
 * @param enabled         false keeps only the static in-flight limits
 * @param targetLatencyMs the answer delay above which an app's limit is cut; 0 = half the app's policy deadline
 * @param windowMs        how long the gateway collects answers before it compares the quickest with the target
 * @param minLimit        the adaptive limit never goes below this: so many requests per app are always admitted
 *                        (within the static limits, and never more than {@code gateway.maxInflightPerApp}),
 *                        so that the gateway keeps measuring
 */
public record SheddingConfig(boolean enabled, long targetLatencyMs, long windowMs, int minLimit) {
    public static final SheddingConfig DEFAULT = new SheddingConfig(true, 0, 100, 8);
    public static final SheddingConfig DISABLED = new SheddingConfig(false, 0, 100, 8);

    public SheddingConfig {
        if (targetLatencyMs < 0 || targetLatencyMs > 3_600_000) {
            throw new IllegalArgumentException("gateway.shedding.targetLatencyMs must be 0 (half the app's deadline) to 3600000, was " + targetLatencyMs);
        }
        if (windowMs < 10 || windowMs > 60_000) {
            throw new IllegalArgumentException("gateway.shedding.windowMs must be 10-60000, was " + windowMs);
        }
        if (minLimit < 1) {
            throw new IllegalArgumentException("gateway.shedding.minLimit must be at least 1, was " + minLimit);
        }
    }

    /** The target for an app whose longest deadline is {@code deadlineMs}: the configured one, or half the deadline. */
    long targetMs(long deadlineMs) {
        return targetLatencyMs > 0 ? targetLatencyMs : Math.max(1, deadlineMs / 2);
    }
}
