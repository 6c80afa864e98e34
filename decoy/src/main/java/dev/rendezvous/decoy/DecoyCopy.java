package dev.rendezvous.decoy;

import dev.rendezvous.decoy.redaction.Redactor;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/** Builds the decoy copy of one request record: same key and value bytes, same partition, its coordinates in headers. */
final class DecoyCopy {
    private DecoyCopy() {
    }

    /**
     * The copy keeps the key and value arrays as they came off the wire: the decoy never decodes them,
     * so a poison record is archived exactly as a model would have seen it. The copy's own Kafka
     * timestamp is left to the producer; the source timestamp travels in a header.
     */
    static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, String decoyTopic, long arrivalMs) {
        return of(source, decoyTopic, arrivalMs, null);
    }

    /**
     * The copy, redacted by {@code redactor} when it is not null: its value is the redacted one and
     * the {@code rdv-redaction} header says what was done (on every copy of such an app, changed or not,
     * so that a reader sees the rule set's version either way).
     */
    static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, String decoyTopic, long arrivalMs, Redactor redactor) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(source.headers().toArray());
        RecordHeaders.put(headers, RecordHeaders.SOURCE_TOPIC, source.topic());
        RecordHeaders.put(headers, RecordHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        RecordHeaders.put(headers, RecordHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        RecordHeaders.put(headers, RecordHeaders.SOURCE_TIMESTAMP, Long.toString(source.timestamp()));
        RecordHeaders.put(headers, RecordHeaders.ARRIVAL_MS, Long.toString(arrivalMs));
        byte[] value = source.value();
        // Only the decoy may say a copy was redacted: a producer writing to the requests topic directly cannot.
        headers.remove(RecordHeaders.REDACTION);
        if (redactor != null) {
            Redactor.Redacted redacted = redactor.apply(value);
            value = redacted.value();
            RecordHeaders.put(headers, RecordHeaders.REDACTION, new String(JsonCodec.encode(redacted.note()), StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(decoyTopic, source.partition(), null, source.key(), value, headers);
    }
}
