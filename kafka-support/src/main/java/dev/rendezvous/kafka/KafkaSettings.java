package dev.rendezvous.kafka;

import dev.rendezvous.protocol.TopicNames;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How every service reaches Kafka: the bootstrap servers, any extra client properties (TLS, SASL,
 * tuning — passed through untouched and applied last, so they win), the topic prefix and the
 * replication factor for topics the platform creates.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, String topicPrefix, int replicationFactor,
                            String memberName) {
    /** The session timeout of every group consumer, unless a client property sets another. */
    public static final int GROUP_SESSION_TIMEOUT_MS = 10_000;
    /** How much a batching consumer's fetch gathers before the broker answers it early ... */
    private static final int BATCHING_FETCH_MIN_BYTES = 64 * 1024;
    /** ... and how long the broker holds it otherwise. */
    private static final int BATCHING_FETCH_MAX_WAIT_MS = 100;

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrapServers is missing; expected host:port[,host:port]");
        }
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("kafka.replicationFactor must be at least 1, was " + replicationFactor);
        }
        if (memberName != null && memberNameProblem(memberName) != null) {
            throw new IllegalArgumentException(memberNameProblem(memberName));
        }
    }

    /** Why {@code name} cannot be a static member name, or null when it can. */
    public static String memberNameProblem(String name) {
        return name.matches("[A-Za-z0-9._-]{1,200}") ? null
                : "kafka.memberName: '" + name + "' may contain only 1-200 letters, digits, '.', '_' and '-'";
    }

    /** Settings whose consumer groups use dynamic membership (no {@code group.instance.id}). */
    public KafkaSettings(String bootstrapServers, Map<String, String> clientProperties, String topicPrefix, int replicationFactor) {
        this(bootstrapServers, clientProperties, topicPrefix, replicationFactor, null);
    }

    /**
     * The same settings whose group consumers are static members named {@code memberName}: a process
     * restarted under the same name (after a crash, too) takes its partitions back at once, without a
     * rebalance and without waiting for the dead member's session to time out. The name must be
     * unique among the live members of each group, stable across restarts of one process (a
     * StatefulSet pod name, a host plus its management port), and null for dynamic membership.
     */
    public KafkaSettings withMemberName(String name) {
        return new KafkaSettings(bootstrapServers, clientProperties, topicPrefix, replicationFactor, name);
    }

    public static KafkaSettings local(String bootstrapServers, String topicPrefix) {
        return new KafkaSettings(bootstrapServers, Map.of(), topicPrefix, 1);
    }

    public TopicNames topics() {
        return new TopicNames(topicPrefix);
    }

    /**
     * Producer settings for the request path: {@code linger.ms=0} because every millisecond counts
     * against a deadline (measured: one hop p50 ~0.4 ms at 1k msg/s), idempotent with {@code acks=all}.
     */
    public Map<String, Object> producerConfig(String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.putAll(clientProperties);
        return config;
    }

    /**
     * Consumer settings; offsets are committed by the service itself, never automatically, so that a
     * record counts as done only once its effect is visible.
     *
     * @param offsetReset {@code latest} for model runners (a new version joins live traffic),
     *                    {@code earliest} for services that must see everything (decoy, archiver)
     */
    public Map<String, Object> consumerConfig(String groupId, String clientId, String offsetReset) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            // Kafka's 45 s default kept a crashed member's partitions unowned (requests unscored) for 45 s;
            // 10 s, with a heartbeat a second, bounds that while staying clear of GC pauses on a busy box.
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(GROUP_SESSION_TIMEOUT_MS));
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
            // Cooperative: a member joining or leaving moves only the partitions that change owner; the others
            // keep being consumed through the rebalance instead of all stopping (the eager protocol).
            config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            if (memberName != null) {
                config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, memberName);
            }
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        config.putAll(clientProperties);
        return config;
    }

    public Map<String, Object> adminConfig(String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("client.id", clientId);
        config.put("request.timeout.ms", "5000");
        config.put("default.api.timeout.ms", "10000");
        config.putAll(clientProperties);
        return config;
    }

    public KafkaProducer<String, byte[]> newProducer(String clientId) {
        return new KafkaProducer<>(producerConfig(clientId), new StringSerializer(), new ByteArraySerializer());
    }

    /** Keys are read as bytes too: a poison record must never fail inside the consumer's deserializer. */
    public KafkaConsumer<byte[], byte[]> newConsumer(String groupId, String clientId, String offsetReset) {
        return new KafkaConsumer<>(consumerConfig(groupId, clientId, offsetReset), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A consumer for services off the request path (decoy, archiver): the broker holds each fetch
     * until 64 KiB or 100 ms have gathered, so that such a service handles, fsyncs and commits a few
     * large batches a second instead of one tiny batch per request. Measured: per-request polling
     * by these services (an fsync and an offset commit each) slowed every Kafka hop of the request
     * path on this 2-core machine.
     */
    public KafkaConsumer<byte[], byte[]> newBatchingConsumer(String groupId, String clientId, String offsetReset) {
        return new KafkaConsumer<>(batchingConsumerConfig(groupId, clientId, offsetReset), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The settings of {@link #newBatchingConsumer}, for readers that want other deserializers. Fetch
     * settings an operator passed in {@code kafka.properties} win, as every pass-through property does.
     */
    public Map<String, Object> batchingConsumerConfig(String groupId, String clientId, String offsetReset) {
        Map<String, Object> config = consumerConfig(groupId, clientId, offsetReset);
        config.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(BATCHING_FETCH_MIN_BYTES));
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(BATCHING_FETCH_MAX_WAIT_MS));
        return config;
    }

    public KafkaConsumer<String, byte[]> newStringKeyConsumer(String groupId, String clientId, String offsetReset) {
        return new KafkaConsumer<>(consumerConfig(groupId, clientId, offsetReset), new StringDeserializer(), new ByteArrayDeserializer());
    }

    public Admin newAdmin(String clientId) {
        return Admin.create(adminConfig(clientId));
    }
}
