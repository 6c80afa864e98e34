package dev.rendezvous.protocol;

import java.util.Map;

/** A topic the platform needs: its name, partition count and topic-level configuration. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, was " + partitions);
        }
        configs = Map.copyOf(configs);
    }
}
