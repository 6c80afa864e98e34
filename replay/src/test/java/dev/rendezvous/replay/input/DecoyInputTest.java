package dev.rendezvous.replay.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.RedactionNote;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DecoyInputTest {
    private static final byte[] VALUE = "{\"id\":\"r-1\",\"app\":\"fraud\",\"features\":{\"amount\":\"hmac-sha256:ab\"}}".getBytes(StandardCharsets.UTF_8);

    private static DecoyInput archivedWith(String redactionHeader) throws Exception {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        if (redactionHeader != null) {
            headers.add(RecordHeaders.REDACTION, redactionHeader.getBytes(StandardCharsets.UTF_8));
        }
        byte[] line = LineEncoder.encode(new ConsumerRecord<>("fraud.decoy", 0, 7, 1L, TimestampType.CREATE_TIME, -1, -1,
                "r-1".getBytes(StandardCharsets.UTF_8), VALUE, headers, Optional.empty()));
        return DecoyInput.read(line);
    }

    @Test
    void readsTheRedactionNoteFromTheArchivedHeaders() throws Exception {
        RedactionNote note = new RedactionNote("sha256:0011223344556677", List.of(), List.of("amount"), List.of(), false);

        DecoyInput input = archivedWith(new String(JsonCodec.encode(note), StandardCharsets.UTF_8));

        assertThat(input.redaction()).isEqualTo(note);
        assertThat(input.redacted()).isTrue();
        assertThat(input.value()).isEqualTo(VALUE);
    }

    @Test
    void aCopyWithoutTheHeaderOrWithNothingChangedIsReproducible() throws Exception {
        assertThat(archivedWith(null).redacted()).isFalse();
        assertThat(archivedWith(null).redaction()).isNull();
        RedactionNote unchanged = new RedactionNote("sha256:0011223344556677", List.of(), List.of(), List.of(), false);
        assertThat(archivedWith(new String(JsonCodec.encode(unchanged), StandardCharsets.UTF_8)).redacted()).isFalse();
    }

    @Test
    void anUnreadableHeaderCountsAsRedacted() throws Exception {
        assertThat(archivedWith("{not json").redacted()).isTrue();
    }
}
