package dev.rendezvous.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which topics an application and the control plane need, with partitions and retention. The
 * requests and scores topics of an app always get the same partition count: the rendezvous relies
 * on them being co-partitioned by request id.
 */
public final class TopicLayout {
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    private final TopicNames names;
    private final int replicationFactor;

    public TopicLayout(TopicNames names, int replicationFactor) {
        this.names = names;
        this.replicationFactor = replicationFactor;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** Topics of one application. {@code retentionMs} applies to the data topics. */
    public List<TopicSpec> appTopics(String app, int partitions, long retentionMs) {
        Map<String, String> retention = Map.of("retention.ms", Long.toString(retentionMs));
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(new TopicSpec(names.requests(app), partitions, retention));
        // The broker stamps each score with the time it reached Kafka: the rendezvous judges timeliness by
        // that time, which no runner's clock and no lag of the rendezvous itself can move.
        specs.add(new TopicSpec(names.scores(app), partitions, Map.of("retention.ms", Long.toString(retentionMs),
                "message.timestamp.type", "LogAppendTime")));
        specs.add(new TopicSpec(names.decoy(app), partitions, retention));
        specs.add(new TopicSpec(names.results(app), partitions, retention));
        specs.add(new TopicSpec(names.deadLetter(app), 1, retention));
        return specs;
    }

    /**
     * The analytics service's topics of one application (created only where it runs). Figures are keyed
     * by model and window, so compaction keeps each window's newest figures; {@code delete} as well drops
     * windows older than {@code retentionMs}. One partition each: the service writes an app's figures
     * from one task, and readers want them in order.
     */
    public List<TopicSpec> analyticsTopics(String app, long retentionMs) {
        String retention = Long.toString(retentionMs);
        return List.of(
                new TopicSpec(names.analytics(app), 1, Map.of("cleanup.policy", "compact,delete", "retention.ms", retention)),
                new TopicSpec(names.analyticsSliding(app), 1, Map.of("cleanup.policy", "compact,delete", "retention.ms", retention)),
                new TopicSpec(names.alerts(app), 1, Map.of("retention.ms", retention)));
    }

    /** The compacted control topics. */
    public List<TopicSpec> controlTopics() {
        return List.of(
                new TopicSpec(names.policies(), 1, COMPACTED),
                new TopicSpec(names.models(), 1, COMPACTED),
                // Old heartbeats are worthless: compact, and drop anything older than a day.
                new TopicSpec(names.heartbeats(), 1, Map.of("cleanup.policy", "compact,delete", "retention.ms", "86400000")));
    }

    /** A gateway's reply topic: short retention, since replies are only useful before the deadline. */
    public TopicSpec replyTopic(String gatewayInstance, int partitions) {
        return new TopicSpec(names.replies(gatewayInstance), partitions, Map.of("retention.ms", Long.toString(3_600_000L)));
    }
}
