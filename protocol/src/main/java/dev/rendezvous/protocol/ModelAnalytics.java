package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/**
 * What the analytics service computed for one model version of one app over one window, keyed by
 * {@link #key()}: a tumbling window on the compacted {@code <app>.analytics} topic, re-emitted while
 * it is open (the newest record is the current figure) and a last time, {@code closed}, when it is
 * over; or a sliding window on {@code <app>.analytics.sliding}, written once, closed.
 * Shares are fractions 0-1; a figure that had nothing to compare is null.
 *
 * @param role                the model's role in its scores of this window (the last one seen)
 * @param requests            requests of the window this model answered (with an output or an error)
 * @param decided             of those, requests whose decision the service saw
 * @param winShare            share of decided requests whose served answer was this model's
 * @param lateShare           share of decided requests on which the decision listed this model as late
 * @param errorShare          share of this model's answers that were errors
 * @param agreementWithServed share of requests served by a model's answer on which this model agrees with it: the same
 *                            label, or for unlabelled outputs scores within the service's tolerance (fallbacks and
 *                            timeouts are not compared)
 * @param agreementWithCanary share of requests the canary answered too on which both agree; null for the canary itself
 * @param agreementWithLive   per other live model ({@code name@version}): share of compared requests on which both agree
 * @param canary              the canary compared with ({@code name@version}); null when the window had none
 * @param drift               the larger of two population stability indexes against the canary: of this model's score
 *                            distribution (over the canary's deciles) and of its predicted labels; null for the canary
 *                            itself or without one
 * @param driftFromPrevious   the same against this model's own previous window of this size; null when the service
 *                            holds no such window, and for sliding windows
 * @param score               quantiles of the model's score (its first output number) in this window
 * @param latencyMs           quantiles of the model's answer time: request receipt to its arrival at the rendezvous
 * @param closed              true in the window's last record (stream time passed its end plus the settle time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelAnalytics(
        String app,
        String model,
        String version,
        ModelRole role,
        long windowSizeMs,
        long windowStartMs,
        long requests,
        long decided,
        double winShare,
        double lateShare,
        double errorShare,
        Double agreementWithServed,
        Double agreementWithCanary,
        Map<String, Double> agreementWithLive,
        String canary,
        Double drift,
        Double driftFromPrevious,
        Quantiles score,
        Quantiles latencyMs,
        boolean closed,
        long emittedAtMs) {

    public ModelAnalytics {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(role, "role");
        ModelRef.parse(model + "@" + version);
        if (windowSizeMs <= 0) {
            throw new IllegalArgumentException("windowSizeMs must be positive, was " + windowSizeMs);
        }
        agreementWithLive = agreementWithLive == null ? Map.of() : Map.copyOf(agreementWithLive);
    }

    /** The record's key on the analytics topic: {@code name@version/windowSizeMs/windowStartMs}. */
    public String key() {
        return key(model + "@" + version, windowSizeMs, windowStartMs);
    }

    /** The key of {@code ref}'s figures for the window of {@code sizeMs} starting at {@code startMs}. */
    public static String key(String ref, long sizeMs, long startMs) {
        return ref + "/" + sizeMs + "/" + startMs;
    }

    /** Quantiles of a distribution; null members when it was empty. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Quantiles(long count, Double p50, Double p90, Double p99, Double max) {
    }
}
