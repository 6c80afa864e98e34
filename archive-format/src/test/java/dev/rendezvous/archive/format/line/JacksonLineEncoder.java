package dev.rendezvous.archive.format.line;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.rendezvous.protocol.RecordHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The archive line as the archiver first wrote it, through Jackson's generator and a {@code String}
 * for every text: the reference the faster {@link LineEncoder} and {@link VerbatimJson} must match
 * byte for byte, so that archives written before and after stay one format.
 */
final class JacksonLineEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonFactory STRICT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build())
            .build();

    private JacksonLineEncoder() {
    }

    static byte[] encode(ConsumerRecord<byte[], byte[]> record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("topic", record.topic());
            json.writeNumberField("partition", record.partition());
            json.writeNumberField("offset", record.offset());
            json.writeNumberField("timestamp", record.timestamp());
            writeBytesField(json, "key", record.key());
            writeSourceFields(json, record);
            writeHeaders(json, record);
            writeValue(json, record.value());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** The value as text when it may be embedded as is; empty when it must be archived as base64. */
    static Optional<String> embeddable(byte[] value) {
        if (value == null || value.length == 0) {
            return Optional.empty();
        }
        for (byte b : value) {
            if (b == '\n' || b == '\r') {
                return Optional.empty();
            }
        }
        Optional<String> text = utf8(value);
        if (text.isEmpty() || text.get().charAt(0) == '\uFEFF') {
            return Optional.empty();
        }
        try (JsonParser parser = STRICT.createParser(text.get())) {
            if (parser.nextToken() == null) {
                return Optional.empty();
            }
            parser.skipChildren();
            return parser.nextToken() == null ? text : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void writeSourceFields(JsonGenerator json, ConsumerRecord<byte[], byte[]> record) throws IOException {
        Optional<String> sourceTopic = RecordHeaders.text(record.headers(), RecordHeaders.SOURCE_TOPIC);
        if (sourceTopic.isPresent()) {
            json.writeStringField("sourceTopic", sourceTopic.get());
        }
        writeNumberHeader(json, record, "sourcePartition", RecordHeaders.SOURCE_PARTITION);
        writeNumberHeader(json, record, "sourceOffset", RecordHeaders.SOURCE_OFFSET);
        writeNumberHeader(json, record, "sourceTimestamp", RecordHeaders.SOURCE_TIMESTAMP);
        writeNumberHeader(json, record, "arrivalMs", RecordHeaders.ARRIVAL_MS);
    }

    private static void writeNumberHeader(JsonGenerator json, ConsumerRecord<byte[], byte[]> record, String field, String header) throws IOException {
        Optional<Long> number;
        try {
            number = RecordHeaders.text(record.headers(), header).map(Long::parseLong);
        } catch (NumberFormatException e) {
            number = Optional.empty();
        }
        if (number.isPresent()) {
            json.writeNumberField(field, number.get());
        }
    }

    private static void writeHeaders(JsonGenerator json, ConsumerRecord<byte[], byte[]> record) throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, String> base64 = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            text.remove(header.key());
            base64.remove(header.key());
            Optional<String> utf8 = header.value() == null ? Optional.empty() : utf8(header.value());
            if (header.value() == null || utf8.isPresent()) {
                text.put(header.key(), utf8.orElse(null));
            } else {
                base64.put(header.key(), Base64.getEncoder().encodeToString(header.value()));
            }
        }
        writeStringMap(json, "headers", text);
        if (!base64.isEmpty()) {
            writeStringMap(json, "headersBase64", base64);
        }
    }

    private static void writeStringMap(JsonGenerator json, String field, Map<String, String> map) throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }

    private static void writeBytesField(JsonGenerator json, String field, byte[] bytes) throws IOException {
        Optional<String> utf8 = bytes == null ? Optional.empty() : utf8(bytes);
        if (bytes == null || utf8.isPresent()) {
            json.writeStringField(field, utf8.orElse(null));
        } else {
            json.writeStringField(field + "Base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static void writeValue(JsonGenerator json, byte[] value) throws IOException {
        if (value == null) {
            json.writeNullField("sha256");
            json.writeNullField("value");
            return;
        }
        json.writeStringField("sha256", LineEncoder.sha256(value));
        Optional<String> verbatim = embeddable(value);
        if (verbatim.isPresent()) {
            json.writeFieldName("value");
            json.writeRawValue(verbatim.get());
        } else {
            json.writeStringField("valueBase64", Base64.getEncoder().encodeToString(value));
        }
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
