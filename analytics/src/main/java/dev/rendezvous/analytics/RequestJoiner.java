package dev.rendezvous.analytics;

import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ModelScore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins an app's scores and results per request (both topics are keyed by request id and
 * co-partitioned): gathers a request's records in a store and, {@code settleMs} after its first one
 * (wall clock), forwards its {@link RequestSummary} keyed by app. A stream-stream join would emit a
 * pair per score; a request has one decision and any number of scores, and what counts is all of them.
 */
final class RequestJoiner implements Processor<String, byte[], String, RequestSummary> {
    static final String STORE = "pending-requests";
    private static final Logger LOG = LoggerFactory.getLogger(RequestJoiner.class);

    private final Map<String, AnalyticsTopology.Source> sources;
    private final AnalyticsSettings settings;
    private final AnalyticsMeters meters;
    private ProcessorContext<String, RequestSummary> context;
    private KeyValueStore<String, PendingRequest> pending;

    RequestJoiner(Map<String, AnalyticsTopology.Source> sources, AnalyticsSettings settings, AnalyticsMeters meters) {
        this.sources = sources;
        this.settings = settings;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, RequestSummary> context) {
        this.context = context;
        this.pending = context.getStateStore(STORE);
        long every = Math.max(100, Math.min(settings.emitIntervalMs(), Math.max(100, settings.settleMs() / 2)));
        context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::settle);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        AnalyticsTopology.Source source = sources.get(topic);
        if (source == null) {
            return;
        }
        try {
            if (source.scores()) {
                ModelScore score = JsonCodec.decode(record.value(), ModelScore.class);
                String key = source.app() + "/" + score.originKey();
                pending.put(key, current(key).withScore(score));
            } else {
                Decision decision = JsonCodec.decode(record.value(), Decision.class);
                String key = source.app() + "/" + decision.originKey();
                pending.put(key, current(key).withDecision(decision));
            }
        } catch (MalformedRecordException | IllegalArgumentException e) {
            // The rendezvous dead-letters malformed scores; here they are only not counted.
            meters.skipped(source.app());
            LOG.debug("analytics skips a malformed record of {} at offset {}: {}", topic,
                    context.recordMetadata().map(RecordMetadata::offset).orElse(-1L), e.getMessage());
        }
    }

    private PendingRequest current(String key) {
        PendingRequest existing = pending.get(key);
        return existing != null ? existing : new PendingRequest(context.currentSystemTimeMs(), List.of(), null);
    }

    private void settle(long nowMs) {
        List<KeyValue<String, PendingRequest>> due = new ArrayList<>();
        try (KeyValueIterator<String, PendingRequest> all = pending.all()) {
            while (all.hasNext()) {
                KeyValue<String, PendingRequest> entry = all.next();
                if (entry.value.firstSeenMs() + settings.settleMs() <= nowMs) {
                    due.add(entry);
                }
            }
        }
        for (KeyValue<String, PendingRequest> entry : due) {
            int slash = entry.key.indexOf('/');
            String app = entry.key.substring(0, slash);
            String requestId = entry.key.substring(slash + 1);
            RequestSummary summary = entry.value.summarize(app, requestId);
            context.forward(new Record<>(app, summary, summary.timeMs()));
            pending.delete(entry.key);
        }
    }
}
