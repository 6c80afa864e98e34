package dev.rendezvous.analytics;

import dev.rendezvous.protocol.AnalyticsAlert;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelAnalytics;
import dev.rendezvous.protocol.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts settled requests into each configured tumbling window of their app and into the panes of
 * its sliding windows ({@link SlidingPanes}) and, every {@code emitIntervalMs}, writes the changed
 * windows' figures and any new alerts, and each sliding window that a closing pane completed. The open windows
 * are kept in memory and written to the store (and its changelog) once per interval, not once per
 * request: a window holds two t-digests per model, and a restart re-counts at most one interval.
 * A window closes when stream time (the newest request's time) passes its end plus the settle
 * time; its last figures say {@code closed}, and requests for it that come later are not counted.
 */
final class WindowAggregator implements Processor<String, RequestSummary, String, Routed> {
    static final String STORE = "open-windows";
    /** Store key prefix of the last closed windows (the open ones are keyed {@code app/size/start}). */
    static final String CLOSED = "closed:";

    private final TopicNames topics;
    private final AnalyticsSettings settings;
    private final AnalyticsMeters meters;
    private final Map<String, WindowFigures> open = new HashMap<>();
    /** The last closed window per app and size, for each model's drift against its previous window; in the store under {@link #CLOSED}. */
    private final Map<String, WindowFigures> lastClosed = new HashMap<>();
    private final Set<String> changed = new HashSet<>();
    private final SlidingPanes sliding;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, WindowFigures.State> store;
    private long streamTimeMs = Long.MIN_VALUE;

    WindowAggregator(TopicNames topics, AnalyticsSettings settings, AnalyticsMeters meters) {
        this.topics = topics;
        this.settings = settings;
        this.meters = meters;
        this.sliding = new SlidingPanes(settings);
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        try (KeyValueIterator<String, WindowFigures.State> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, WindowFigures.State> entry = all.next();
                if (entry.key.startsWith(CLOSED)) {
                    lastClosed.put(entry.key.substring(CLOSED.length()), WindowFigures.of(entry.value));
                    continue;
                }
                open.put(entry.key, WindowFigures.of(entry.value));
                streamTimeMs = Math.max(streamTimeMs, entry.value.startMs());
            }
        }
        context.schedule(Duration.ofMillis(settings.emitIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::emit);
    }

    @Override
    public void process(Record<String, RequestSummary> record) {
        RequestSummary request = record.value();
        if (request == null) {
            return;
        }
        streamTimeMs = Math.max(streamTimeMs, request.timeMs());
        meters.settled(request.app());
        for (long sizeMs : settings.windowsMs()) {
            long startMs = request.timeMs() - Math.floorMod(request.timeMs(), sizeMs);
            if (startMs + sizeMs + settings.settleMs() < streamTimeMs) {
                meters.tooLate(request.app());
                continue;
            }
            String key = WindowFigures.key(request.app(), sizeMs, startMs);
            open.computeIfAbsent(key, k -> new WindowFigures(request.app(), sizeMs, startMs)).add(request, settings.scoreTolerance());
            changed.add(key);
        }
        sliding.add(request, streamTimeMs);
    }

    /** Writes changed windows' figures and new alerts, and closes the windows stream time has passed. */
    private void emit(long nowMs) {
        List<String> closing = new ArrayList<>();
        open.forEach((key, window) -> {
            if (window.endMs() + settings.settleMs() < streamTimeMs) {
                closing.add(key);
            }
        });
        for (String key : changed) {
            WindowFigures window = open.get(key);
            if (window != null && !closing.contains(key)) {
                write(window, nowMs, false);
                store.put(key, window.state());
            }
        }
        changed.clear();
        closing.sort(java.util.Comparator.comparingLong(key -> open.get(key).startMs));
        for (String key : closing) {
            WindowFigures window = open.remove(key);
            write(window, nowMs, true);
            store.delete(key);
            String series = window.app + "/" + window.sizeMs;
            lastClosed.put(series, window);
            store.put(CLOSED + series, window.state());
        }
        for (WindowFigures window : sliding.closed(streamTimeMs)) {
            long advanceMs = settings.slidingWindows().stream().filter(w -> w.sizeMs() == window.sizeMs).findFirst().orElseThrow().advanceMs();
            String windowTag = window.sizeMs + "/" + advanceMs;
            for (ModelAnalytics figures : window.figures(nowMs, true, null)) {
                meters.show(figures, windowTag);
                context.forward(new Record<>(figures.key(), new Routed(topics.analyticsSliding(window.app), JsonCodec.encode(figures)), nowMs));
            }
        }
    }

    /** The window of the same app and size just before {@code window}: still open, or the last closed one. */
    private WindowFigures previous(WindowFigures window) {
        long startMs = window.startMs - window.sizeMs;
        WindowFigures stillOpen = open.get(WindowFigures.key(window.app, window.sizeMs, startMs));
        if (stillOpen != null) {
            return stillOpen;
        }
        WindowFigures closed = lastClosed.get(window.app + "/" + window.sizeMs);
        return closed != null && closed.startMs == startMs ? closed : null;
    }

    private void write(WindowFigures window, long nowMs, boolean closed) {
        for (AnalyticsAlert alert : window.alerts(settings, nowMs)) {
            meters.alerted(alert);
            context.forward(new Record<>(alert.key(), new Routed(topics.alerts(window.app), JsonCodec.encode(alert)), nowMs));
        }
        for (ModelAnalytics figures : window.figures(nowMs, closed, previous(window))) {
            meters.show(figures, Long.toString(figures.windowSizeMs()));
            context.forward(new Record<>(figures.key(), new Routed(topics.analytics(window.app), JsonCodec.encode(figures)), nowMs));
        }
    }
}
