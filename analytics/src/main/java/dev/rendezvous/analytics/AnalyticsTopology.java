package dev.rendezvous.analytics;

import dev.rendezvous.protocol.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The analytics topology: {@code <app>.scores} + {@code <app>.results} → {@link RequestJoiner} (per
 * request id, in memory) → repartition by app → {@link WindowAggregator} → {@code <app>.analytics} and
 * {@code <app>.alerts}. The one store, the open windows, is in memory with a changelog: no RocksDB.
 */
public final class AnalyticsTopology {
    private AnalyticsTopology() {
    }

    /** Which app a source topic belongs to, and whether it holds scores (else results). */
    record Source(String app, boolean scores) {
    }

    /** The topology for {@code apps}. */
    public static Topology build(TopicNames topics, List<String> apps, AnalyticsSettings settings, AnalyticsMeters meters) {
        Map<String, Source> sources = new LinkedHashMap<>();
        for (String app : apps) {
            sources.put(topics.scores(app), new Source(app, true));
            sources.put(topics.results(app), new Source(app, false));
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WindowAggregator.STORE), Serdes.String(),
                new JsonSerde<>(WindowFigures.State.class)));
        ProcessorSupplier<String, byte[], String, RequestSummary> joiner = () -> new RequestJoiner(sources, settings, meters);
        ProcessorSupplier<String, RequestSummary, String, Routed> aggregator = () -> new WindowAggregator(topics, settings, meters);
        builder.stream(new ArrayList<>(sources.keySet()), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(joiner)
                // One partition: an app's windows are counted in one place. Summaries are small, and the
                // figures of a window are one record per model per emit interval.
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(RequestSummary.class)).withName("by-app").withNumberOfPartitions(1))
                .process(aggregator, WindowAggregator.STORE)
                .to((key, routed, context) -> routed.topic(), Produced.with(Serdes.String(), Routed.SERDE));
        return builder.build();
    }
}
