package dev.rendezvous.archive.format.line;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineEncoderTest {
    /** Not JsonCodec's mapper: its nesting limit (64) is for records we decode, not for lines tools read. */
    private static final ObjectMapper PLAIN_JSON = new ObjectMapper();

    static Stream<Arguments> jsonValues() {
        return Stream.of(
                Arguments.of("a scoring request", utf8("{\"id\":\"r-1\",\"app\":\"fraud\",\"features\":{\"amount\":12.50}}")),
                Arguments.of("whitespace and number spelling kept", utf8("  { \"a\" : [1, 2.50, 1e3, -0.0] }\t")),
                Arguments.of("escapes kept as written", utf8("{\"s\":\"caf\\u00e9 \\n \\\"q\\\"\"}")),
                Arguments.of("non-ASCII and emoji", utf8("{\"name\":\"Zoë 😀 日本\"}")),
                Arguments.of("longer than the JSON writer's buffers", utf8("[\"" + "😀é".repeat(20_000) + "\"]")),
                Arguments.of("a bare string", utf8("\"just text\"")),
                Arguments.of("a bare number", utf8("42")),
                Arguments.of("the literal null", utf8("null")),
                Arguments.of("100 levels deep", utf8("[".repeat(100) + "]".repeat(100))));
    }

    static Stream<Arguments> nonJsonValues() {
        return Stream.of(
                Arguments.of("binary garbage", new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, '{', '"'}),
                Arguments.of("invalid UTF-8 inside a string", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'}),
                Arguments.of("pretty-printed over several lines", utf8("{\n  \"a\": 1\n}")),
                Arguments.of("a carriage return", utf8("{\"a\":1}\r")),
                Arguments.of("text after the value", utf8("{\"a\":1} trailing")),
                Arguments.of("two values", utf8("1 2")),
                Arguments.of("empty", new byte[0]),
                Arguments.of("only whitespace", utf8("   ")),
                Arguments.of("a byte-order mark", utf8("\uFEFF{\"a\":1}")),
                Arguments.of("NaN", utf8("NaN")),
                Arguments.of("single quotes", utf8("{'a':1}")),
                Arguments.of("truncated JSON", utf8("{\"a\":[1,2")),
                Arguments.of("600 levels deep", utf8("[".repeat(600) + "]".repeat(600))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonValues")
    void embedsAJsonValueVerbatimSoThatItsExactBytesCanBeCutOutOfTheLine(String description, byte[] value) throws Exception {
        byte[] line = LineEncoder.encode(record(7, utf8("r-1"), value, new org.apache.kafka.common.header.internals.RecordHeaders()));

        JsonNode json = parseSingleLine(line);
        assertThat(json.has("value")).isTrue();
        assertThat(json.has("valueBase64")).isFalse();
        assertThat(json.get("sha256").asText()).isEqualTo(sha256Hex(value));
        assertThat(ArchivedLine.value(line)).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonJsonValues")
    void archivesAnythingElseAsBase64(String description, byte[] value) throws Exception {
        byte[] line = LineEncoder.encode(record(7, utf8("r-1"), value, new org.apache.kafka.common.header.internals.RecordHeaders()));

        JsonNode json = parseSingleLine(line);
        assertThat(json.has("value")).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("valueBase64").asText())).isEqualTo(value);
        assertThat(json.get("sha256").asText()).isEqualTo(sha256Hex(value));
        assertThat(ArchivedLine.value(line)).isEqualTo(value);
    }

    @Test
    void writesTheSameBytesAsTheJacksonGeneratorForEveryTrickyRecordReusingOneEncoder() {
        LineEncoder encoder = new LineEncoder();
        SoftAssertions softly = new SoftAssertions();
        for (ConsumerRecord<byte[], byte[]> record : TrickyBytes.records(4_711L, 5_000)) {
            byte[] expected = JacksonLineEncoder.encode(record);
            int length = encoder.encodeIntoBuffer(record);
            // As text (one char per byte), so that a difference reads as one.
            softly.assertThat(new String(encoder.buffer(), 0, length, StandardCharsets.ISO_8859_1))
                    .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
            softly.assertThat(LineEncoder.encode(record)).isEqualTo(expected);
        }
        softly.assertAll();
    }

    @Test
    void hashesWithSha256InLowerCaseHex() {
        assertThat(LineEncoder.sha256(utf8("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void tellsARecordWithoutValueApartFromTheJsonLiteralNull() throws Exception {
        byte[] noValue = LineEncoder.encode(record(1, null, null, new org.apache.kafka.common.header.internals.RecordHeaders()));
        byte[] literalNull = LineEncoder.encode(record(1, null, utf8("null"), new org.apache.kafka.common.header.internals.RecordHeaders()));

        assertThat(parseSingleLine(noValue).get("sha256").isNull()).isTrue();
        assertThat(ArchivedLine.value(noValue)).isNull();
        assertThat(parseSingleLine(literalNull).get("sha256").asText()).isEqualTo(sha256Hex(utf8("null")));
        assertThat(ArchivedLine.value(literalNull)).isEqualTo(utf8("null"));
    }

    @Test
    void writesTheDecoyCoordinatesAndKeepsEveryHeader() throws Exception {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(new RecordHeader(RecordHeaders.TRACEPARENT, utf8("00-trace-01")));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_TOPIC, utf8("fraud.requests")));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_PARTITION, utf8("3")));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_OFFSET, utf8("41")));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_TIMESTAMP, utf8("1700000000000")));
        headers.add(new RecordHeader(RecordHeaders.ARRIVAL_MS, utf8("1700000000002")));
        headers.add(new RecordHeader("binary", new byte[] {(byte) 0xff, 0x01}));

        JsonNode json = parseSingleLine(LineEncoder.encode(record(9, utf8("r-9"), utf8("{}"), headers)));

        assertThat(json.get("topic").asText()).isEqualTo("fraud.decoy");
        assertThat(json.get("partition").asInt()).isEqualTo(3);
        assertThat(json.get("offset").asLong()).isEqualTo(9);
        assertThat(json.get("timestamp").asLong()).isEqualTo(1_700_000_000_005L);
        assertThat(json.get("key").asText()).isEqualTo("r-9");
        assertThat(json.get("sourceTopic").asText()).isEqualTo("fraud.requests");
        assertThat(json.get("sourcePartition").asInt()).isEqualTo(3);
        assertThat(json.get("sourceOffset").asLong()).isEqualTo(41);
        assertThat(json.get("sourceTimestamp").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(json.get("arrivalMs").asLong()).isEqualTo(1_700_000_000_002L);
        assertThat(json.get("headers").get(RecordHeaders.TRACEPARENT).asText()).isEqualTo("00-trace-01");
        assertThat(json.get("headers").get(RecordHeaders.SOURCE_OFFSET).asText()).isEqualTo("41");
        assertThat(Base64.getDecoder().decode(json.get("headersBase64").get("binary").asText())).containsExactly(0xff, 0x01);
    }

    @Test
    void writesAKeyThatIsNotUtf8AsBase64() throws Exception {
        byte[] key = {(byte) 0x80, 0x00};

        JsonNode json = parseSingleLine(LineEncoder.encode(record(1, key, utf8("1"), new org.apache.kafka.common.header.internals.RecordHeaders())));

        assertThat(json.has("key")).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("keyBase64").asText())).isEqualTo(key);
    }

    @Test
    void readsBackTheCoordinatesOfALineItWrote() throws Exception {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(new RecordHeader(RecordHeaders.SOURCE_TOPIC, utf8("fraud.requests")));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_PARTITION, utf8("3")));
        headers.add(new RecordHeader(RecordHeaders.SOURCE_OFFSET, utf8("41")));

        ArchivedLine line = ArchivedLine.parse(LineEncoder.encode(record(9, utf8("r-9"), utf8("[1]"), headers)));

        assertThat(line).isEqualTo(new ArchivedLine("fraud.decoy", 3, 9, 1_700_000_000_005L, "r-9", new SourceCoordinates("fraud.requests", 3, 41), sha256Hex(utf8("[1]"))));
    }

    static ConsumerRecord<byte[], byte[]> record(long offset, byte[] key, byte[] value, org.apache.kafka.common.header.internals.RecordHeaders headers) {
        return new ConsumerRecord<>("fraud.decoy", 3, offset, 1_700_000_000_005L, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers, Optional.empty());
    }

    private static JsonNode parseSingleLine(byte[] line) throws Exception {
        String text = new String(line, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        assertThat(text.substring(0, text.length() - 1)).doesNotContain("\n", "\r");
        return PLAIN_JSON.readTree(line);
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
