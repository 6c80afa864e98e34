package dev.rendezvous.analytics;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The analytics service's settings ({@code analytics:} in the platform's YAML). Validated here, each
 * refusal naming its key, the way {@code gateway.shedding} is.
 *
 * @param windowsMs             sizes of the tumbling windows, each 1 s to 7 days (default 1 min and 1 h)
 * @param slidingWindows        sliding windows, each a size and how far it advances (default 1 min by 10 s and 1 h by
 *                              1 min); their figures go to {@code <app>.analytics.sliding}. Empty: none
 * @param settleMs              how long after a request's first record its scores and decision are gathered
 *                              before it counts; scores arriving later are not counted (the decision lists them as late)
 * @param emitIntervalMs        how often the open windows' figures are written and their alerts checked (wall clock)
 * @param minSamples            a window raises no alert before a model answered this many of its requests
 * @param driftThreshold        default PSI against the canary above which a model's drift raises an alert
 * @param disagreementThreshold default share of requests with a label other than the canary's above which an alert is raised
 * @param scoreTolerance        two outputs of which one has no label agree when their scores are at most this far apart
 *                              (0: only labelled outputs are compared)
 * @param thresholds            per app, thresholds that replace the defaults (either may be left out)
 * @param stateDir              Kafka Streams' state directory (locks and checkpoints; the stores are in memory)
 * @param dashboard             whether a gateway serves the {@code /ui/} dashboard from the analytics topics even when
 *                              its process does not run the service (a gateway beside it always does)
 */
public record AnalyticsSettings(List<Long> windowsMs, List<SlidingWindow> slidingWindows, long settleMs, long emitIntervalMs, long minSamples, double driftThreshold,
                                double disagreementThreshold, double scoreTolerance, Map<String, AppThresholds> thresholds, Path stateDir,
                                boolean dashboard) {
    private static final long MAX_WINDOW_MS = 7L * 24 * 3600 * 1000;

    /** At most this many panes (size / advance) per sliding window: each of its figures merges them all. */
    static final long MAX_PANES = 360;
    public static final List<SlidingWindow> DEFAULT_SLIDING = List.of(new SlidingWindow(60_000, 10_000), new SlidingWindow(3_600_000, 60_000));

    public static final AnalyticsSettings DEFAULT = new AnalyticsSettings(List.of(60_000L, 3_600_000L), DEFAULT_SLIDING, 2_000, 1_000, 100, 0.25, 0.1, 0.0,
            Map.of(), Path.of("data/analytics"), false);

    public AnalyticsSettings {
        if (windowsMs == null || windowsMs.isEmpty()) {
            throw new IllegalArgumentException("analytics.windowsMs must list at least one window size in milliseconds, e.g. [60000, 3600000]");
        }
        for (int i = 0; i < windowsMs.size(); i++) {
            Long size = windowsMs.get(i);
            if (size == null || size < 1_000 || size > MAX_WINDOW_MS) {
                throw new IllegalArgumentException("analytics.windowsMs[" + i + "] must be 1000 to " + MAX_WINDOW_MS + " ms, was " + size);
            }
        }
        if (windowsMs.stream().distinct().count() != windowsMs.size()) {
            throw new IllegalArgumentException("analytics.windowsMs lists a window size twice: " + windowsMs);
        }
        windowsMs = List.copyOf(windowsMs);
        slidingWindows = slidingWindows == null ? DEFAULT_SLIDING : List.copyOf(slidingWindows);
        for (int i = 0; i < slidingWindows.size(); i++) {
            SlidingWindow w = slidingWindows.get(i);
            String key = "analytics.slidingWindows[" + i + "]";
            if (w == null) {
                throw new IllegalArgumentException(key + " is empty; expected {sizeMs: ..., advanceMs: ...}");
            }
            if (w.sizeMs() < 1_000 || w.sizeMs() > MAX_WINDOW_MS) {
                throw new IllegalArgumentException(key + ".sizeMs must be 1000 to " + MAX_WINDOW_MS + " ms, was " + w.sizeMs());
            }
            if (w.advanceMs() < 1_000 || w.advanceMs() >= w.sizeMs() || w.sizeMs() % w.advanceMs() != 0
                    || w.sizeMs() / w.advanceMs() > MAX_PANES) {
                throw new IllegalArgumentException(key + ".advanceMs must be at least 1000 ms, below sizeMs, divide it and be at least 1/"
                        + MAX_PANES + " of it, was " + w.advanceMs() + " for sizeMs " + w.sizeMs());
            }
        }
        if (slidingWindows.stream().map(SlidingWindow::sizeMs).distinct().count() != slidingWindows.size()) {
            throw new IllegalArgumentException("analytics.slidingWindows lists a size twice: " + slidingWindows);
        }
        if (settleMs < 0 || settleMs > 600_000) {
            throw new IllegalArgumentException("analytics.settleMs must be 0-600000, was " + settleMs);
        }
        if (emitIntervalMs < 100 || emitIntervalMs > 600_000) {
            throw new IllegalArgumentException("analytics.emitIntervalMs must be 100-600000, was " + emitIntervalMs);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("analytics.minSamples must be at least 1, was " + minSamples);
        }
        requireThreshold("analytics.driftThreshold", driftThreshold, Double.MAX_VALUE);
        requireThreshold("analytics.disagreementThreshold", disagreementThreshold, 1);
        if (!(scoreTolerance >= 0) || scoreTolerance > 1e9) {
            throw new IllegalArgumentException("analytics.scoreTolerance must be 0 (labels only) or a positive distance between scores, was "
                    + scoreTolerance);
        }
        thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
        thresholds.forEach((app, t) -> {
            if (t == null) {
                throw new IllegalArgumentException("analytics.thresholds." + app + " is empty; expected drift and/or disagreement");
            }
            if (t.drift() != null) {
                requireThreshold("analytics.thresholds." + app + ".drift", t.drift(), Double.MAX_VALUE);
            }
            if (t.disagreement() != null) {
                requireThreshold("analytics.thresholds." + app + ".disagreement", t.disagreement(), 1);
            }
        });
        if (stateDir == null) {
            throw new IllegalArgumentException("analytics.stateDir is missing; expected a directory path");
        }
    }

    private static void requireThreshold(String key, double value, double max) {
        if (!(value > 0) || value > max) {
            throw new IllegalArgumentException(key + " must be above 0" + (max == 1 ? " and at most 1" : "") + ", was " + value);
        }
    }

    /** The drift threshold of {@code app}. */
    public double driftThreshold(String app) {
        AppThresholds t = thresholds.get(app);
        return t != null && t.drift() != null ? t.drift() : driftThreshold;
    }

    /** The disagreement threshold of {@code app}. */
    public double disagreementThreshold(String app) {
        AppThresholds t = thresholds.get(app);
        return t != null && t.disagreement() != null ? t.disagreement() : disagreementThreshold;
    }

    /** This configuration with other window sizes (tests use short ones). */
    public AnalyticsSettings withWindowsMs(List<Long> sizes) {
        return new AnalyticsSettings(sizes, slidingWindows, settleMs, emitIntervalMs, minSamples, driftThreshold, disagreementThreshold, scoreTolerance, thresholds,
                stateDir, dashboard);
    }

    /** This configuration with other sliding windows (tests use short ones). */
    public AnalyticsSettings withSlidingWindows(List<SlidingWindow> windows) {
        return new AnalyticsSettings(windowsMs, windows, settleMs, emitIntervalMs, minSamples, driftThreshold, disagreementThreshold, scoreTolerance,
                thresholds, stateDir, dashboard);
    }

    /** A sliding window: the last {@code sizeMs}, written every {@code advanceMs} (a multiple of it, aligned to it). */
    public record SlidingWindow(long sizeMs, long advanceMs) {
    }

    /** One app's alert thresholds; a null member keeps the default. */
    public record AppThresholds(Double drift, Double disagreement) {
    }
}
