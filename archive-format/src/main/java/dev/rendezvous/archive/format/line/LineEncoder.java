package dev.rendezvous.archive.format.line;

import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns one Kafka record into one archive line (NDJSON, newline included). The line is a pure
 * function of the record, so re-archiving a record after a crash writes the same bytes.
 *
 * <p>Field order is fixed and {@code value} (or {@code valueBase64}) is always last, which is what
 * lets {@link ArchivedLine#value(byte[])} cut the exact value bytes out of the line.
 *
 * <p>An instance reuses its line buffer and SHA-256 digest from record to record and is not
 * thread-safe; the archiver keeps one per partition. It writes the line straight from the record's
 * bytes (see {@link JsonLineBuffer}) rather than through Jackson's generator, which needed every key,
 * header and value decoded to a {@code String} and encoded again: that, a second parse of each value
 * and a new digest per record were most of the archiver's encoding cost. The bytes are the same.
 */
public final class LineEncoder {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] TOPIC = ascii("{\"topic\":");
    private static final byte[] PARTITION = ascii(",\"partition\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
    private static final byte[] KEY = ascii(",\"key\":");
    private static final byte[] KEY_BASE64 = ascii(",\"keyBase64\":");
    private static final byte[] SOURCE_TOPIC = ascii(",\"sourceTopic\":");
    private static final byte[] SOURCE_PARTITION = ascii(",\"sourcePartition\":");
    private static final byte[] SOURCE_OFFSET = ascii(",\"sourceOffset\":");
    private static final byte[] SOURCE_TIMESTAMP = ascii(",\"sourceTimestamp\":");
    private static final byte[] ARRIVAL_MS = ascii(",\"arrivalMs\":");
    private static final byte[] HEADERS = ascii(",\"headers\":{");
    private static final byte[] HEADERS_BASE64 = ascii(",\"headersBase64\":{");
    private static final byte[] SHA256 = ascii(",\"sha256\":\"");
    private static final byte[] NO_VALUE = ascii(",\"sha256\":null,\"value\":null");
    private static final byte[] VALUE = ascii("\",\"value\":");
    private static final byte[] VALUE_BASE64 = ascii("\",\"valueBase64\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] END = ascii("}\n");
    /** Above this many headers, "last of its name" is looked up in a map instead of by scanning the later ones. */
    private static final int HEADERS_SCANNED = 16;

    private final MessageDigest sha256 = newSha256();
    private final byte[] digest = new byte[32];
    private final JsonLineBuffer line = new JsonLineBuffer();

    /** An encoder with its own buffer; use it from one thread at a time. */
    public LineEncoder() {
    }

    /** The line of {@code record} in a new array. */
    public static byte[] encode(ConsumerRecord<byte[], byte[]> record) {
        LineEncoder encoder = new LineEncoder();
        int length = encoder.encodeIntoBuffer(record);
        return Arrays.copyOf(encoder.buffer(), length);
    }

    /**
     * Encodes {@code record} into this encoder's {@link #buffer()}, replacing the previous line; returns
     * the line's length in bytes. The buffer may be replaced by a larger one, so read it afterwards.
     */
    public int encodeIntoBuffer(ConsumerRecord<byte[], byte[]> record) {
        line.clear();
        line.write(TOPIC);
        line.writeString(record.topic());
        line.write(PARTITION);
        line.writeNumber(record.partition());
        line.write(OFFSET);
        line.writeNumber(record.offset());
        line.write(TIMESTAMP);
        line.writeNumber(record.timestamp());
        writeKey(record.key());
        writeSourceFields(record);
        writeHeaders(record.headers().toArray());
        writeValue(record.value());
        line.write(END);
        return line.length();
    }

    /** The line last encoded, in its first {@link #encodeIntoBuffer} bytes; overwritten by the next one. */
    public byte[] buffer() {
        return line.bytes();
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return HEX.formatHex(newSha256().digest(bytes));
    }

    /**
     * Whether {@code value} is archived verbatim in {@code value} (one strict, single-line, UTF-8 JSON
     * value) rather than as {@code valueBase64}: exactly the values that can be one line of NDJSON.
     */
    public static boolean isVerbatimJson(byte[] value) {
        return VerbatimJson.isEmbeddable(value);
    }

    private void writeKey(byte[] key) {
        if (key == null) {
            line.write(KEY);
            line.write(NULL);
        } else if (Utf8.isValid(key, 0, key.length)) {
            line.write(KEY);
            line.writeUtf8String(key);
        } else {
            line.write(KEY_BASE64);
            line.writeBase64String(key);
        }
    }

    /** The decoy's headers again as typed fields; a header that is not a decimal number is left out. */
    private void writeSourceFields(ConsumerRecord<byte[], byte[]> record) {
        Header topic = record.headers().lastHeader(RecordHeaders.SOURCE_TOPIC);
        if (topic != null && topic.value() != null) {
            line.write(SOURCE_TOPIC);
            writeText(topic.value());
        }
        writeNumberHeader(record, SOURCE_PARTITION, RecordHeaders.SOURCE_PARTITION);
        writeNumberHeader(record, SOURCE_OFFSET, RecordHeaders.SOURCE_OFFSET);
        writeNumberHeader(record, SOURCE_TIMESTAMP, RecordHeaders.SOURCE_TIMESTAMP);
        writeNumberHeader(record, ARRIVAL_MS, RecordHeaders.ARRIVAL_MS);
    }

    private void writeNumberHeader(ConsumerRecord<byte[], byte[]> record, byte[] field, String header) {
        OptionalLong number = SourceCoordinates.number(record.headers(), header);
        if (number.isPresent()) {
            line.write(field);
            line.writeNumber(number.getAsLong());
        }
    }

    /** Bytes that are not UTF-8 as the text the platform's {@code RecordHeaders.text} makes of them (U+FFFD for each bad sequence). */
    private void writeText(byte[] bytes) {
        line.writeUtf8String(Utf8.isValid(bytes, 0, bytes.length) ? bytes : new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Header values that are not UTF-8 go to {@code headersBase64}; a repeated name keeps its last
     * value, as Kafka's {@code lastHeader}, at the place of that last occurrence.
     */
    private void writeHeaders(Header[] headers) {
        boolean[] last = lastOfTheirName(headers);
        boolean anyBinary = false;
        line.write(HEADERS);
        boolean first = true;
        for (int i = 0; i < headers.length; i++) {
            byte[] value = headers[i].value();
            if (!last[i]) {
                continue;
            }
            if (value != null && !Utf8.isValid(value, 0, value.length)) {
                anyBinary = true;
                continue;
            }
            first = writeFieldName(headers[i].key(), first);
            if (value == null) {
                line.write(NULL);
            } else {
                line.writeUtf8String(value);
            }
        }
        line.writeByte('}');
        if (!anyBinary) {
            return;
        }
        line.write(HEADERS_BASE64);
        first = true;
        for (int i = 0; i < headers.length; i++) {
            byte[] value = headers[i].value();
            if (last[i] && value != null && !Utf8.isValid(value, 0, value.length)) {
                first = writeFieldName(headers[i].key(), first);
                line.writeBase64String(value);
            }
        }
        line.writeByte('}');
    }

    private static boolean[] lastOfTheirName(Header[] headers) {
        boolean[] last = new boolean[headers.length];
        if (headers.length > HEADERS_SCANNED) {
            Map<String, Integer> lastIndex = new HashMap<>();
            for (int i = 0; i < headers.length; i++) {
                lastIndex.put(headers[i].key(), i);
            }
            lastIndex.values().forEach(i -> last[i] = true);
            return last;
        }
        for (int i = 0; i < headers.length; i++) {
            last[i] = true;
            for (int j = i + 1; j < headers.length; j++) {
                if (headers[j].key().equals(headers[i].key())) {
                    last[i] = false;
                    break;
                }
            }
        }
        return last;
    }

    /** Writes {@code "name":}, after a comma unless it is the object's first field; returns false (no longer first). */
    private boolean writeFieldName(String name, boolean first) {
        if (!first) {
            line.writeByte(',');
        }
        line.writeString(name);
        line.writeByte(':');
        return false;
    }

    /** A null value (no bytes at all) has a null hash, which tells it apart from the four bytes {@code null}. */
    private void writeValue(byte[] value) {
        if (value == null) {
            line.write(NO_VALUE);
            return;
        }
        line.write(SHA256);
        sha256.update(value);
        try {
            sha256.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
        }
        line.writeLowerHex(digest);
        if (VerbatimJson.isEmbeddable(value)) {
            line.write(VALUE);
            line.write(value);
        } else {
            line.write(VALUE_BASE64);
            line.writeBase64String(value);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
