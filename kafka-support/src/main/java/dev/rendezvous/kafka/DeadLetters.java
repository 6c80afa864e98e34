package dev.rendezvous.kafka;

import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be processed to a dead-letter topic, unchanged, with the reason and the
 * source coordinates in headers, so that the partition can move on and nothing is lost.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Producer<String, byte[]> producer;
    private final String by;

    /** @param by the service that rejected the record, e.g. {@code model.fraud-lr.1} */
    public DeadLetters(Producer<String, byte[]> producer, String by) {
        this.producer = producer;
        this.by = by;
    }

    public void send(String deadLetterTopic, ConsumerRecord<?, byte[]> source, String reason) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(source.headers().toArray());
        RecordHeaders.put(headers, RecordHeaders.DEAD_LETTER_REASON, reason);
        RecordHeaders.put(headers, RecordHeaders.DEAD_LETTER_BY, by);
        RecordHeaders.put(headers, RecordHeaders.SOURCE_TOPIC, source.topic());
        RecordHeaders.put(headers, RecordHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        RecordHeaders.put(headers, RecordHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        producer.send(new ProducerRecord<>(deadLetterTopic, null, keyText(source.key()), source.value(), headers), (metadata, error) -> {
            if (error != null) {
                LOG.error("cannot dead-letter {}-{}@{} ({}): {}", source.topic(), source.partition(), source.offset(), reason, error.toString());
            }
        });
        LOG.warn("dead-lettered {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reason);
    }

    private static String keyText(Object key) {
        if (key == null) {
            return null;
        }
        return key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : key.toString();
    }
}
