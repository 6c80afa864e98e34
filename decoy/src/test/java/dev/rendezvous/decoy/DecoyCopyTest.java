package dev.rendezvous.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DecoyCopyTest {
    private static final byte[] GARBAGE = {(byte) 0xff, 0x00, '{', (byte) 0xc3};

    @Test
    void keepsKeyValueAndPartitionAndAddsTheSourceCoordinates() {
        byte[] key = "req-7".getBytes(StandardCharsets.UTF_8);
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(new RecordHeader(RecordHeaders.TRACEPARENT, "00-abc-def-01".getBytes(StandardCharsets.UTF_8)));
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("fraud.requests", 3, 42L, 1_700_000_000_123L,
                TimestampType.CREATE_TIME, key.length, GARBAGE.length, key, GARBAGE, headers, Optional.empty());

        ProducerRecord<byte[], byte[]> copy = DecoyCopy.of(source, "fraud.decoy", 1_700_000_000_456L);

        assertThat(copy.topic()).isEqualTo("fraud.decoy");
        assertThat(copy.partition()).isEqualTo(3);
        assertThat(copy.key()).isEqualTo(key);
        assertThat(copy.value()).isEqualTo(GARBAGE);
        assertThat(RecordHeaders.text(copy.headers(), RecordHeaders.TRACEPARENT)).contains("00-abc-def-01");
        assertThat(RecordHeaders.text(copy.headers(), RecordHeaders.SOURCE_TOPIC)).contains("fraud.requests");
        assertThat(RecordHeaders.text(copy.headers(), RecordHeaders.SOURCE_PARTITION)).contains("3");
        assertThat(RecordHeaders.text(copy.headers(), RecordHeaders.SOURCE_OFFSET)).contains("42");
        assertThat(RecordHeaders.text(copy.headers(), RecordHeaders.SOURCE_TIMESTAMP)).contains("1700000000123");
        assertThat(RecordHeaders.text(copy.headers(), RecordHeaders.ARRIVAL_MS)).contains("1700000000456");
    }

    @Test
    void replacesSourceHeadersOfARecordThatIsItselfACopyInsteadOfRepeatingThem() {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(new RecordHeader(RecordHeaders.SOURCE_OFFSET, "1".getBytes(StandardCharsets.UTF_8)));
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("fraud.requests", 0, 9L, 1L,
                TimestampType.CREATE_TIME, -1, 1, null, new byte[] {'1'}, headers, Optional.empty());

        ProducerRecord<byte[], byte[]> copy = DecoyCopy.of(source, "fraud.decoy", 2L);

        assertThat(copy.key()).isNull();
        assertThat(copy.headers().headers(RecordHeaders.SOURCE_OFFSET)).hasSize(1);
        assertThat(RecordHeaders.text(copy.headers(), RecordHeaders.SOURCE_OFFSET)).contains("9");
    }

    @Test
    void doesNotChangeTheSourceRecordsHeaders() {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("fraud.requests", 0, 9L, 1L,
                TimestampType.CREATE_TIME, -1, 1, null, new byte[] {'1'}, headers, Optional.empty());

        DecoyCopy.of(source, "fraud.decoy", 2L);

        assertThat(source.headers().toArray()).isEmpty();
    }
}
