package dev.rendezvous.analytics;

import dev.rendezvous.analytics.AnalyticsSettings.SlidingWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sliding windows of every app, kept as panes: tumbling windows of the advance, each request
 * counted into one pane per advance. When a pane closes (stream time passed its end plus the settle
 * time), each sliding window of that advance ending there is the merge of its last {@code size /
 * advance} panes. Counting a request once per pane rather than into every overlapping window keeps
 * the cost per request that of one more tumbling window; the merge is paid once per advance.
 *
 * <p>Panes are in memory only: after a restart a sliding window covers the time since then until it
 * has filled again (docs/analytics.md).
 */
final class SlidingPanes {
    private final AnalyticsSettings settings;
    /** Per app and advance ({@code app/advanceMs}): panes by start. */
    private final Map<String, TreeMap<Long, WindowFigures>> panes = new HashMap<>();
    /** Per app and advance: the end of the newest pane whose sliding windows were written. */
    private final Map<String, Long> writtenUpToMs = new HashMap<>();
    private final List<Long> advancesMs;
    private final Map<Long, Long> longestByAdvance = new HashMap<>();

    SlidingPanes(AnalyticsSettings settings) {
        this.settings = settings;
        for (SlidingWindow w : settings.slidingWindows()) {
            longestByAdvance.merge(w.advanceMs(), w.sizeMs(), Math::max);
        }
        this.advancesMs = List.copyOf(longestByAdvance.keySet());
    }

    /** Counts a settled request into its pane of each advance, unless that pane is already written. */
    void add(RequestSummary request, long streamTimeMs) {
        for (long advanceMs : advancesMs) {
            long startMs = request.timeMs() - Math.floorMod(request.timeMs(), advanceMs);
            String series = request.app() + "/" + advanceMs;
            if (startMs + advanceMs + settings.settleMs() < streamTimeMs || startMs + advanceMs <= writtenUpToMs.getOrDefault(series, Long.MIN_VALUE)) {
                continue;
            }
            panes.computeIfAbsent(series, s -> new TreeMap<>())
                    .computeIfAbsent(startMs, start -> new WindowFigures(request.app(), advanceMs, start))
                    .add(request, settings.scoreTolerance());
        }
    }

    /** The sliding windows that ended with a pane stream time has now passed, oldest first; forgets panes no window needs any more. */
    List<WindowFigures> closed(long streamTimeMs) {
        List<WindowFigures> windows = new ArrayList<>();
        panes.forEach((series, byStart) -> {
            String app = series.substring(0, series.lastIndexOf('/'));
            long advanceMs = Long.parseLong(series.substring(series.lastIndexOf('/') + 1));
            long written = writtenUpToMs.getOrDefault(series, Long.MIN_VALUE);
            for (WindowFigures pane : byStart.values()) {
                long endMs = pane.endMs();
                if (endMs <= written) {
                    continue;
                }
                if (endMs + settings.settleMs() >= streamTimeMs) {
                    break;
                }
                for (SlidingWindow w : settings.slidingWindows()) {
                    if (w.advanceMs() == advanceMs) {
                        windows.add(WindowFigures.merge(app, w.sizeMs(), endMs - w.sizeMs(), byStart.subMap(endMs - w.sizeMs(), endMs).values()));
                    }
                }
                written = endMs;
            }
            if (written != Long.MIN_VALUE) {
                writtenUpToMs.put(series, written);
                // The next window ends at written + advance at the earliest and reaches back its size.
                byStart.headMap(written + advanceMs - longestByAdvance.get(advanceMs)).clear();
            }
        });
        windows.sort(java.util.Comparator.comparingLong(WindowFigures::endMs));
        return windows;
    }
}
