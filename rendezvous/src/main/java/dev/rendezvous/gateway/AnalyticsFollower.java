package dev.rendezvous.gateway;

import dev.rendezvous.kafka.CompactedTopicReader;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.MalformedRecordException;
import dev.rendezvous.protocol.ModelAnalytics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the {@code <app>.analytics} topics (compacted, from the beginning, no consumer group) and
 * keeps the newest figures per key in memory for the dashboard: at most {@link #WINDOWS_KEPT}
 * windows per model and window size, the older ones dropped.
 */
public final class AnalyticsFollower implements AnalyticsFeed, AutoCloseable {
    /** Windows kept per model and size: an hour of one-minute windows, a few days of hourly ones. */
    static final int WINDOWS_KEPT = 60;
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsFollower.class);

    private final Map<String, ConcurrentSkipListMap<String, ModelAnalytics>> byApp = new ConcurrentHashMap<>();
    private final CompactedTopicReader reader;

    private AnalyticsFollower(KafkaSettings kafka, String clientId, Collection<String> apps) {
        Map<String, String> appOfTopic = new ConcurrentHashMap<>();
        for (String app : apps) {
            appOfTopic.put(kafka.topics().analytics(app), app);
            byApp.put(app, new ConcurrentSkipListMap<>());
        }
        reader = new CompactedTopicReader(kafka, clientId, new ArrayList<>(appOfTopic.keySet()),
                record -> accept(appOfTopic.get(record.topic()), record));
    }

    /** Starts following the analytics topics of {@code apps}, which must exist. */
    public static AnalyticsFollower start(KafkaSettings kafka, String clientId, Collection<String> apps) {
        AnalyticsFollower follower = new AnalyticsFollower(kafka, clientId, apps);
        follower.reader.start();
        return follower;
    }

    private void accept(String app, ConsumerRecord<byte[], byte[]> record) {
        ConcurrentSkipListMap<String, ModelAnalytics> figures = byApp.get(app);
        if (figures == null || record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            figures.remove(key);
            return;
        }
        try {
            ModelAnalytics f = JsonCodec.decode(record.value(), ModelAnalytics.class);
            figures.put(f.key(), f);
            trim(figures, f);
        } catch (MalformedRecordException | IllegalArgumentException e) {
            LOG.debug("dashboard skips a malformed analytics record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    /** Drops this model's windows of this size beyond the newest {@link #WINDOWS_KEPT}. */
    private static void trim(ConcurrentSkipListMap<String, ModelAnalytics> figures, ModelAnalytics newest) {
        String prefix = newest.model() + "@" + newest.version() + "/" + newest.windowSizeMs() + "/";
        List<String> keys = new ArrayList<>(figures.subMap(prefix, prefix + Character.MAX_VALUE).keySet());
        if (keys.size() > WINDOWS_KEPT) {
            keys.sort((a, b) -> Long.compare(figures.get(a).windowStartMs(), figures.get(b).windowStartMs()));
            keys.subList(0, keys.size() - WINDOWS_KEPT).forEach(figures::remove);
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public List<ModelAnalytics> figures(String app) {
        ConcurrentSkipListMap<String, ModelAnalytics> figures = byApp.get(app);
        return figures == null ? List.of() : List.copyOf(figures.values());
    }

    public boolean isRunning() {
        return reader.isRunning();
    }

    @Override
    public void close() {
        reader.close();
    }
}
