package dev.rendezvous.chaos;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Consumer group lag as an operator's AdminClient sees it: the end offset minus the committed offset, per group. */
final class ConsumerLag {
    private ConsumerLag() {
    }

    /** Total lag of every group that has committed offsets, by group (partitions without a commit are not counted here). */
    static Map<String, Long> byGroup(Admin admin) throws Exception {
        Map<String, Long> lag = new TreeMap<>();
        for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.forEach((partition, offset) -> {
                if (offset != null) {
                    latest.put(partition, OffsetSpec.latest());
                }
            });
            if (latest.isEmpty()) {
                continue;
            }
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            long total = 0;
            for (TopicPartition partition : latest.keySet()) {
                total += Math.max(0, ends.get(partition).offset() - committed.get(partition).offset());
            }
            lag.put(group.groupId(), total);
        }
        return lag;
    }

    /** Waits until every group's lag is 0; returns the last reading (with lag left when the time ran out). */
    static Map<String, Long> awaitZero(Admin admin, Duration atMost) throws Exception {
        long until = System.nanoTime() + atMost.toNanos();
        Map<String, Long> lag = byGroup(admin);
        while (lag.values().stream().anyMatch(l -> l > 0) && System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(500);
            lag = byGroup(admin);
        }
        return lag;
    }

    /** Partitions of {@code topic} that no member of {@code group} owns (a stuck partition), or all of them when the group has no member. */
    static List<Integer> unowned(Admin admin, String group, String topic, int partitions) throws Exception {
        var description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
        java.util.Set<Integer> owned = new java.util.HashSet<>();
        description.members().forEach(m -> m.assignment().topicPartitions().stream()
                .filter(p -> p.topic().equals(topic)).forEach(p -> owned.add(p.partition())));
        return java.util.stream.IntStream.range(0, partitions).filter(p -> !owned.contains(p)).boxed().toList();
    }
}
