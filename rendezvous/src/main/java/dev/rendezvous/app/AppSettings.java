package dev.rendezvous.app;

import dev.rendezvous.protocol.TopicNames;

/**
 * What the gateway and the rendezvous know of one application before any request arrives.
 *
 * @param name          application name; part of topic names and URLs
 * @param partitions    partitions of its requests and scores topics (equal: they are co-partitioned)
 * @param maxDeadlineMs the longest deadline a request may have; callers may ask for less
 */
public record AppSettings(String name, int partitions, long maxDeadlineMs) {
    public AppSettings {
        if (!TopicNames.isLegalApp(name)) {
            throw new IllegalArgumentException("apps[].name '" + name + "' must be 1-63 characters of lower-case letters, digits, '_' or '-'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("apps[" + name + "].partitions must be at least 1, was " + partitions);
        }
        if (maxDeadlineMs < 1) {
            throw new IllegalArgumentException("apps[" + name + "].deadline must be positive, was " + maxDeadlineMs + " ms");
        }
    }
}
