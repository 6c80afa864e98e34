package dev.rendezvous.analytics;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins an app's scores and results per request (both topics are keyed by request id and
 * co-partitioned): gathers a request's answers in memory and, {@code settleMs} after its first
 * record (wall clock), forwards its {@link RequestSummary} keyed by app. A stream-stream join would
 * emit a pair per score; a request has one decision and any number of scores, and what counts is all
 * of them.
 *
 * <p>The requests in flight are not in a state store: a store with a changelog re-encoded and
 * re-sent a request's whole record list on each of its records (quadratic in its scores), which was
 * most of the service's cost per request. What a restart loses instead is the requests not yet
 * settled, at most {@code settleMs} plus a commit interval of traffic; docs/analytics.md says so.
 */
final class RequestJoiner implements Processor<String, byte[], String, RequestSummary> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestJoiner.class);

    private final Map<String, AnalyticsTopology.Source> sources;
    private final AnalyticsSettings settings;
    private final AnalyticsMeters meters;
    /** By {@code app/originKey}, in the order first seen, so settling stops at the first request not yet due. */
    private final LinkedHashMap<String, PendingRequest> pending = new LinkedHashMap<>();
    /**
     * Keys settled in the last {@link #REMEMBER_SETTLED} settle times, with when: a record of such a request
     * is dropped (and counted as too late) instead of starting a second, partial request of the same id.
     */
    private final LinkedHashMap<String, Long> settled = new LinkedHashMap<>();
    static final int REMEMBER_SETTLED = 5;
    private ProcessorContext<String, RequestSummary> context;

    RequestJoiner(Map<String, AnalyticsTopology.Source> sources, AnalyticsSettings settings, AnalyticsMeters meters) {
        this.sources = sources;
        this.settings = settings;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, RequestSummary> context) {
        this.context = context;
        long every = Math.max(100, Math.min(settings.emitIntervalMs(), Math.max(100, settings.settleMs() / 2)));
        context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::settle);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        AnalyticsTopology.Source source = sources.get(topic);
        if (source == null || record.value() == null) {
            return;
        }
        try {
            if (source.scores()) {
                RecordDecoder.ScoreSeen score = RecordDecoder.score(record.value());
                PendingRequest request = current(source.app(), score.originKey());
                if (request != null) {
                    request.add(score);
                }
            } else {
                RecordDecoder.DecisionSeen decision = RecordDecoder.decision(record.value());
                PendingRequest request = current(source.app(), decision.originKey());
                if (request != null) {
                    request.decided(decision);
                }
            }
        } catch (IllegalArgumentException e) {
            // The rendezvous dead-letters malformed scores; here they are only not counted.
            meters.skipped(source.app());
            LOG.debug("analytics skips a malformed record of {} at offset {}: {}", topic,
                    context.recordMetadata().map(RecordMetadata::offset).orElse(-1L), e.getMessage());
        }
    }

    /** The pending request of {@code originKey}, new if need be; null when it has already settled. */
    private PendingRequest current(String app, String originKey) {
        String key = app + "/" + originKey;
        PendingRequest existing = pending.get(key);
        if (existing == null) {
            if (settled.containsKey(key)) {
                meters.tooLate(app);
                return null;
            }
            existing = new PendingRequest(context.currentSystemTimeMs());
            pending.put(key, existing);
        }
        return existing;
    }

    private void settle(long nowMs) {
        forgetSettledBefore(nowMs);
        for (Iterator<Map.Entry<String, PendingRequest>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, PendingRequest> entry = it.next();
            if (entry.getValue().firstSeenMs + settings.settleMs() > nowMs) {
                return;
            }
            String key = entry.getKey();
            int slash = key.indexOf('/');
            String app = key.substring(0, slash);
            RequestSummary summary = entry.getValue().summarize(app, key.substring(slash + 1));
            context.forward(new Record<>(app, summary, summary.timeMs()));
            it.remove();
            settled.put(key, nowMs);
        }
    }

    private void forgetSettledBefore(long nowMs) {
        long cutoffMs = nowMs - REMEMBER_SETTLED * Math.max(settings.settleMs(), 1_000);
        for (Iterator<Long> it = settled.values().iterator(); it.hasNext() && it.next() < cutoffMs; ) {
            it.remove();
        }
    }
}
