package dev.rendezvous.archiver.line;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rendezvous.protocol.RecordHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns one Kafka record into one archive line (NDJSON, newline included). The line is a pure
 * function of the record, so re-archiving a record after a crash writes the same bytes.
 *
 * <p>Field order is fixed and {@code value} (or {@code valueBase64}) is always last, which is what
 * lets {@link ArchivedLine#value(byte[])} cut the exact value bytes out of the line.
 */
public final class LineEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    private static final HexFormat HEX = HexFormat.of();

    private LineEncoder() {
    }

    public static byte[] encode(ConsumerRecord<byte[], byte[]> record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (record.value() == null ? 0 : record.value().length * 4 / 3));
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
            throw new UncheckedIOException("cannot encode " + record.topic() + "-" + record.partition() + "@" + record.offset(), e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Whether {@code value} is archived verbatim in {@code value} (one strict, single-line, UTF-8 JSON
     * value) rather than as {@code valueBase64}: exactly the values that can be one line of NDJSON.
     */
    public static boolean isVerbatimJson(byte[] value) {
        return VerbatimJson.embeddable(value).isPresent();
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
        Optional<Long> number = SourceCoordinates.number(record.headers(), header);
        if (number.isPresent()) {
            json.writeNumberField(field, number.get());
        }
    }

    /** Header values that are not UTF-8 go to {@code headersBase64}; a repeated name keeps its last value, as Kafka's {@code lastHeader}. */
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

    /** A null value (no bytes at all) has a null hash, which tells it apart from the four bytes {@code null}. */
    private static void writeValue(JsonGenerator json, byte[] value) throws IOException {
        if (value == null) {
            json.writeNullField("sha256");
            json.writeNullField("value");
            return;
        }
        json.writeStringField("sha256", sha256(value));
        Optional<String> verbatim = VerbatimJson.embeddable(value);
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
