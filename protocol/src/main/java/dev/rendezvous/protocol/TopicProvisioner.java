package dev.rendezvous.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics that are missing and checks that existing ones have the expected partition count,
 * since a silent mismatch would break co-partitioning.
 */
public final class TopicProvisioner {
    private final Admin admin;
    private final short replicationFactor;
    private final long timeoutMs;

    public TopicProvisioner(Admin admin, int replicationFactor, long timeoutMs) {
        this.admin = admin;
        this.replicationFactor = (short) replicationFactor;
        this.timeoutMs = timeoutMs;
    }

    /** Ensures every topic exists with its partition count; throws naming the first topic that does not fit. */
    public void ensure(Collection<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(spec.configs()));
                }
            }
            if (!missing.isEmpty()) {
                for (var entry : admin.createTopics(missing).values().entrySet()) {
                    try {
                        entry.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                        }
                    }
                }
            }
            checkPartitions(specs);
            awaitLeadersServing(specs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka to create topics: " + e, e);
        }
    }

    /** Whether every named topic exists; false on any error. */
    public boolean allExist(Collection<String> names) {
        try {
            return admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).containsAll(names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * A topic just created may take a moment to show up in the metadata and to get partition leaders;
     * producing before that failed with NOT_LEADER_OR_FOLLOWER (seen in the bench). Retry until every
     * partition has a leader or the timeout passes.
     */
    private Map<String, TopicDescription> describeWhenVisible(Set<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
                boolean led = described.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                if (led || System.nanoTime() > until) {
                    return described;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > until) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /**
     * Metadata can name a partition's leader before that broker serves it: a producer writing at once
     * got NOT_LEADER_OR_FOLLOWER, and its idempotent batches then stalled until they expired (seen in
     * the bench and in the archiver crash test). Listing offsets needs the leader itself, so once that
     * answers for every partition, producing works.
     */
    private void awaitLeadersServing(Collection<TopicSpec> specs) throws InterruptedException, TimeoutException {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions = new java.util.HashMap<>();
        for (TopicSpec spec : specs) {
            for (int p = 0; p < spec.partitions(); p++) {
                partitions.put(new org.apache.kafka.common.TopicPartition(spec.name(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("partitions of " + specs.stream().map(TopicSpec::name).toList()
                            + " have no serving leader after " + timeoutMs + " ms: " + e.getCause(), e.getCause());
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private void checkPartitions(Collection<TopicSpec> specs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicSpec> byName = specs.stream().collect(Collectors.toMap(TopicSpec::name, s -> s, (a, b) -> a));
        Map<String, TopicDescription> described = describeWhenVisible(byName.keySet());
        for (TopicDescription description : described.values()) {
            int expected = byName.get(description.name()).partitions();
            int actual = description.partitions().size();
            if (actual != expected) {
                throw new IllegalStateException("topic " + description.name() + " has " + actual
                        + " partitions but the configuration asks for " + expected
                        + "; requests and scores must stay co-partitioned, so change the configuration or the topic");
            }
        }
    }
}
