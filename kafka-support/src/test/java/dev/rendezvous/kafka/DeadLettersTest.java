package dev.rendezvous.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final String DLT = "fraud.dead-letter";

    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    @Test
    void namesTheRefusingConsumerAndTheSourceInHeaders() {
        DeadLetters deadLetters = new DeadLetters(producer, "rendezvous", "rdv.rendezvous");

        assertThat(deadLetters.send(DLT, poison("fraud.requests", 1, 7), "not valid JSON")).isTrue();

        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo(DLT);
        assertThat(sent.key()).isEqualTo("k-7");
        assertThat(header(sent, RecordHeaders.DEAD_LETTER_BY)).isEqualTo("rendezvous/rdv.rendezvous");
        assertThat(header(sent, RecordHeaders.DEAD_LETTER_REASON)).isEqualTo("not valid JSON");
        assertThat(header(sent, RecordHeaders.SOURCE_TOPIC)).isEqualTo("fraud.requests");
        assertThat(header(sent, RecordHeaders.SOURCE_PARTITION)).isEqualTo("1");
        assertThat(header(sent, RecordHeaders.SOURCE_OFFSET)).isEqualTo("7");
    }

    @Test
    void aRecordReadAgainIsNotDeadLetteredAgainWhateverTheReason() {
        DeadLetters deadLetters = new DeadLetters(producer, "rendezvous", "g");

        deadLetters.send(DLT, poison("fraud.requests", 0, 3), "first");
        boolean again = deadLetters.send(DLT, poison("fraud.requests", 0, 3), "second");
        deadLetters.send(DLT, poison("fraud.requests", 1, 3), "other partition");
        deadLetters.send(DLT, poison("fraud.scores", 0, 3), "other topic");

        assertThat(again).isFalse();
        assertThat(producer.history()).extracting(r -> header(r, RecordHeaders.DEAD_LETTER_REASON))
                .containsExactly("first", "other partition", "other topic");
    }

    @Test
    void aFailedSendIsForgottenSoThatTheNextReadTriesAgain() {
        MockProducer<String, byte[]> failing = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        DeadLetters deadLetters = new DeadLetters(failing, "rendezvous", "g");

        deadLetters.send(DLT, poison("fraud.requests", 0, 3), "first");
        failing.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker away"));

        assertThat(deadLetters.send(DLT, poison("fraud.requests", 0, 3), "retry")).isTrue();
    }

    @Test
    void afterReadingBackTheTopicARestartedWriterSkipsRecordsDeadLetteredBeforeAndOnlyThose() {
        // What a previous process wrote: two dead letters, one of them a record this one will read again.
        DeadLetters before = new DeadLetters(producer, "rendezvous", "g");
        before.send(DLT, poison("fraud.requests", 0, 3), "bad");
        before.send(DLT, poison("fraud.scores", 1, 9), "bad");
        MockConsumer<byte[], byte[]> reader = readerOf(producer.history());

        DeadLetters restarted = new DeadLetters(producer, "rendezvous", "g");
        int read = restarted.readBack(reader, DLT, Duration.ofSeconds(5));

        assertThat(read).isEqualTo(2);
        assertThat(restarted.send(DLT, poison("fraud.requests", 0, 3), "bad")).isFalse();
        assertThat(restarted.send(DLT, poison("fraud.scores", 1, 9), "bad")).isFalse();
        assertThat(restarted.send(DLT, poison("fraud.requests", 0, 4), "bad")).isTrue();
        assertThat(reader.assignment()).isEmpty();
    }

    private static MockConsumer<byte[], byte[]> readerOf(List<ProducerRecord<String, byte[]>> written) {
        MockConsumer<byte[], byte[]> reader = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        TopicPartition partition = new TopicPartition(DLT, 0);
        reader.updatePartitions(DLT, List.of(new PartitionInfo(DLT, 0, Node.noNode(), new Node[0], new Node[0])));
        reader.updateBeginningOffsets(Map.of(partition, 0L));
        reader.updateEndOffsets(Map.of(partition, (long) written.size()));
        // Records are added once the reader has been assigned and positioned by readBack.
        reader.schedulePollTask(() -> {
            for (int i = 0; i < written.size(); i++) {
                ProducerRecord<String, byte[]> r = written.get(i);
                reader.addRecord(new ConsumerRecord<>(DLT, 0, i, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0,
                        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers(), java.util.Optional.empty()));
            }
        });
        return reader;
    }

    private static ConsumerRecord<byte[], byte[]> poison(String topic, int partition, long offset) {
        return new ConsumerRecord<>(topic, partition, offset, ("k-" + offset).getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff});
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return RecordHeaders.text(record.headers(), name).orElse(null);
    }
}
