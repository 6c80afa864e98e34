package dev.rendezvous.kafka;

import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be processed to a dead-letter topic, unchanged, with the reason, the
 * refusing consumer ({@code <service>/<group>}) and the source coordinates in headers, so that the
 * partition can move on and nothing is lost.
 *
 * <p>At most one dead letter per source record (topic, partition, offset): a record read again — a
 * batch retried after a failure, a partition re-read from its committed offset after a restart or a
 * rebalance — is not dead-lettered a second time. The coordinates written are remembered, and
 * {@link #readBack} learns those already on the dead-letter topic (written by a previous owner of the
 * partition, or by this process before it restarted). Deduplication is by coordinates alone: a record
 * refused again, for the same or another reason, keeps its first dead letter (and its first reason).
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Coordinates remembered, newest kept: far more than a partition's uncommitted stretch ever holds. */
    static final int MAX_REMEMBERED = 100_000;
    /** {@link #readBack} reads at most this many of the newest dead letters of each partition of the topic. */
    public static final int READ_BACK_MAX = 10_000;

    private final Producer<String, byte[]> producer;
    private final String by;
    private final Map<String, Boolean> written = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /**
     * @param service the kind of service that refuses records, e.g. {@code rendezvous}
     * @param group   its consumer group: together they name the refusing consumer in {@value RecordHeaders#DEAD_LETTER_BY}
     */
    public DeadLetters(Producer<String, byte[]> producer, String service, String group) {
        this.producer = producer;
        this.by = service + "/" + group;
    }

    /**
     * Dead-letters {@code source} with {@code reason}, unless it already is on the dead-letter topic.
     *
     * @return true if a dead letter was sent; false if this record had one already (the caller counts those)
     */
    public boolean send(String deadLetterTopic, ConsumerRecord<?, byte[]> source, String reason) {
        String coordinates = coordinates(source.topic(), source.partition(), source.offset());
        synchronized (written) {
            if (written.put(coordinates, Boolean.TRUE) != null) {
                LOG.debug("{} is on {} already; not dead-lettered again ({})", coordinates, deadLetterTopic, reason);
                return false;
            }
        }
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(source.headers().toArray());
        RecordHeaders.put(headers, RecordHeaders.DEAD_LETTER_REASON, reason);
        RecordHeaders.put(headers, RecordHeaders.DEAD_LETTER_BY, by);
        RecordHeaders.put(headers, RecordHeaders.SOURCE_TOPIC, source.topic());
        RecordHeaders.put(headers, RecordHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        RecordHeaders.put(headers, RecordHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        producer.send(new ProducerRecord<>(deadLetterTopic, null, keyText(source.key()), source.value(), headers), (metadata, error) -> {
            if (error != null) {
                // Forget it: if the record is read again, another attempt is better than none.
                synchronized (written) {
                    written.remove(coordinates);
                }
                LOG.error("cannot dead-letter {} ({}): {}", coordinates, reason, error.toString());
            }
        });
        LOG.warn("dead-lettered {}: {}", coordinates, reason);
        return true;
    }

    /**
     * Learns which records already are on {@code deadLetterTopic}: reads the newest
     * {@link #READ_BACK_MAX} dead letters of each of its partitions and remembers their source
     * coordinates. Call before re-reading source partitions (on assignment). Bounded by {@code budget};
     * what is not read in time may be dead-lettered a second time, never lost.
     *
     * @param reader a consumer without a group, used by the caller alone; left assigned to nothing
     * @return how many dead letters were read
     */
    public int readBack(Consumer<byte[], byte[]> reader, String deadLetterTopic, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        int read = 0;
        try {
            List<PartitionInfo> infos = reader.partitionsFor(deadLetterTopic, budget);
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> end = reader.endOffsets(partitions, budget);
            Map<TopicPartition, Long> beginning = reader.beginningOffsets(partitions, budget);
            reader.assign(partitions);
            for (TopicPartition partition : partitions) {
                reader.seek(partition, Math.max(beginning.getOrDefault(partition, 0L), end.getOrDefault(partition, 0L) - READ_BACK_MAX));
            }
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> reader.position(p) < end.getOrDefault(p, 0L))) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(50))) {
                    Optional<String> coordinates = sourceOf(record);
                    if (coordinates.isPresent()) {
                        synchronized (written) {
                            written.put(coordinates.get(), Boolean.TRUE);
                        }
                    }
                    read++;
                }
            }
            if (partitions.stream().anyMatch(p -> reader.position(p) < end.getOrDefault(p, 0L))) {
                LOG.warn("read back only {} dead letters of {} within {} ms; a record among the rest may be dead-lettered twice",
                        read, deadLetterTopic, budget.toMillis());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not read back {} ({}); a re-read record may be dead-lettered twice", deadLetterTopic, e.toString());
        } finally {
            reader.assign(List.of());
        }
        return read;
    }

    private static Optional<String> sourceOf(ConsumerRecord<byte[], byte[]> deadLetter) {
        Optional<String> topic = RecordHeaders.text(deadLetter.headers(), RecordHeaders.SOURCE_TOPIC);
        Optional<String> partition = RecordHeaders.text(deadLetter.headers(), RecordHeaders.SOURCE_PARTITION);
        Optional<String> offset = RecordHeaders.text(deadLetter.headers(), RecordHeaders.SOURCE_OFFSET);
        if (topic.isEmpty() || partition.isEmpty() || offset.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(coordinates(topic.get(), Integer.parseInt(partition.get()), Long.parseLong(offset.get())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String coordinates(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    private static String keyText(Object key) {
        if (key == null) {
            return null;
        }
        return key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : key.toString();
    }
}
