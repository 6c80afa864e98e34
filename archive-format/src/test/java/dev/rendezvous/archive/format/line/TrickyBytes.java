package dev.rendezvous.archive.format.line;

import dev.rendezvous.protocol.RecordHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;

/**
 * Seeded, reproducible inputs for comparing the line encoder with its Jackson reference: JSON values
 * and mutations of them (control characters, broken and overlong UTF-8, surrogates, byte-order marks,
 * UTF-16, limits of nesting and name length), and records whose keys and headers are just as odd.
 */
final class TrickyBytes {
    private static final String[] JSON_SEEDS = {
            "{\"id\":\"r-1\",\"app\":\"fraud\",\"features\":{\"amount\":12.50,\"hour\":3}}",
            "  { \"a\" : [1, 2.50, 1e3, -0.0, true, false, null] }\t",
            "{\"s\":\"caf\\u00e9 \\n \\\"q\\\" \\\\ \\/ \\ud83d\\ude00\"}",
            "{\"name\":\"Zoë 😀 日本 \u2028 \uFEFF\"}",
            "\"just text\"", "42", "-0", "1.5e-3", "null", "true", "[]", "{}", "[{}, [], \"\"]",
            "[" + "[".repeat(498) + "]".repeat(498) + "]",
            "[" + "[".repeat(499) + "]".repeat(499) + "]",
            "[" + "[".repeat(500) + "]".repeat(500) + "]",
            "{\"" + "é".repeat(30_000) + "\":1}",
            "{\"" + "a".repeat(50_001) + "\":1}",
            "1" + "0".repeat(1_000),
    };
    private static final byte[] PALETTE = bytes(0x00, 0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20, '"', '\\', '/', '{', '}', '[', ']',
            ',', ':', '0', '-', '+', 'e', '.', 'u', 'n', 'a', 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE2,
            0xED, 0xEF, 0xBB, 0xF0, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF);
    private static final byte[][] SEQUENCES = {
            utf8("é"), utf8("€"), utf8("😀"), utf8("\u2028"), utf8("\uFEFF"), utf8("\uFFFD"), utf8("日本"),
            bytes(0xED, 0xA0, 0x80), bytes(0xC0, 0xAF), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xE0, 0x80, 0xAF), bytes(0xEF, 0xBB, 0xBF),
    };
    private static final String[] NUMBERS = {"0", "7", "41", "007", "+5", "-3", "-0", "", " 5", "5 ", "٣", "1e3", "0x10",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999", "123456789012345678",
            "1234567890123456789"};
    private static final String[] HEADER_NAMES = {"traceparent", RecordHeaders.SOURCE_TOPIC, RecordHeaders.SOURCE_PARTITION,
            RecordHeaders.SOURCE_OFFSET, RecordHeaders.SOURCE_TIMESTAMP, RecordHeaders.ARRIVAL_MS, "x", "é-name", "quote\"name",
            "back\\slash", "ctl\u0001\t", "emoji😀", ""};

    private TrickyBytes() {
    }

    /** The seeds as they are, then mutations of them. */
    static List<byte[]> values(long seed, int count) {
        Random random = new Random(seed);
        List<byte[]> values = new ArrayList<>();
        for (String json : JSON_SEEDS) {
            values.add(utf8(json));
        }
        while (values.size() < count) {
            values.add(mutate(utf8(JSON_SEEDS[random.nextInt(JSON_SEEDS.length)]), random));
        }
        return values;
    }

    static List<ConsumerRecord<byte[], byte[]>> records(long seed, int count) {
        Random random = new Random(seed);
        List<byte[]> values = values(seed, count);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            int headerCount = random.nextInt(10) == 0 ? 20 + random.nextInt(10) : random.nextInt(8);
            for (int h = 0; h < headerCount; h++) {
                String name = HEADER_NAMES[random.nextInt(HEADER_NAMES.length)];
                headers.add(new RecordHeader(name, headerValue(name, random)));
            }
            byte[] key = switch (random.nextInt(4)) {
                case 0 -> null;
                case 1 -> utf8("r-" + random.nextInt(1_000_000));
                default -> oddBytes(random, random.nextInt(12));
            };
            byte[] value = random.nextInt(20) == 0 ? null : values.get(i);
            long timestamp = random.nextInt(10) == 0 ? -1 : random.nextLong() >>> 1;
            long offset = random.nextInt(10) == 0 ? Long.MAX_VALUE : random.nextInt(Integer.MAX_VALUE);
            records.add(new ConsumerRecord<>("fraud.decoy", random.nextInt(1000), offset, timestamp, TimestampType.CREATE_TIME,
                    -1, -1, key, value, headers, Optional.empty()));
        }
        return records;
    }

    private static byte[] headerValue(String name, Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> utf8(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 2 -> name.equals(RecordHeaders.SOURCE_TOPIC) ? utf8("fraud.requests") : utf8(Long.toString(random.nextLong()));
            default -> oddBytes(random, random.nextInt(16));
        };
    }

    private static byte[] oddBytes(Random random, int pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < pieces; i++) {
            if (random.nextBoolean()) {
                out.writeBytes(SEQUENCES[random.nextInt(SEQUENCES.length)]);
            } else if (random.nextBoolean()) {
                out.write(PALETTE[random.nextInt(PALETTE.length)]);
            } else {
                out.write('a' + random.nextInt(26));
            }
        }
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] json, Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> insert(json, random.nextInt(json.length + 1), new byte[] {PALETTE[random.nextInt(PALETTE.length)]});
            case 1 -> insert(json, random.nextInt(json.length + 1), SEQUENCES[random.nextInt(SEQUENCES.length)]);
            case 2 -> insert(json, random.nextInt(Math.min(json.length, 4) + 1), new byte[] {PALETTE[random.nextInt(PALETTE.length)]});
            case 3 -> {
                byte[] copy = json.clone();
                copy[random.nextInt(copy.length)] = PALETTE[random.nextInt(PALETTE.length)];
                yield copy;
            }
            case 4 -> java.util.Arrays.copyOf(json, random.nextInt(json.length));
            case 5 -> insert(json, 0, random.nextBoolean() ? bytes(0xEF, 0xBB, 0xBF) : bytes(' ', 0xEF, 0xBB, 0xBF));
            case 6 -> new String(json, StandardCharsets.UTF_8).getBytes(random.nextBoolean() ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
            case 7 -> insert(json, json.length, utf8(random.nextBoolean() ? " x" : " \t "));
            default -> oddBytes(random, 1 + random.nextInt(6));
        };
    }

    private static byte[] insert(byte[] into, int at, byte[] bytes) {
        byte[] result = new byte[into.length + bytes.length];
        System.arraycopy(into, 0, result, 0, at);
        System.arraycopy(bytes, 0, result, at, bytes.length);
        System.arraycopy(into, at, result, at + bytes.length, into.length - at);
        return result;
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
