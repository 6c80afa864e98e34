package dev.rendezvous.archive.format.line;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A growable byte buffer, reused from line to line, and the few JSON writes an archive line needs,
 * producing the bytes Jackson's {@code JsonGenerator} produces for the same text: {@code "}, {@code \}
 * and control characters escaped ({@code \n}, {@code \t}, … or {@code \}{@code u001F} in upper-case
 * hex), other characters as UTF-8 except those beyond the BMP, which Jackson writes as an escaped
 * UTF-16 surrogate pair. {@code LineEncoderTest} compares the two on odd inputs.
 */
final class JsonLineBuffer {
    private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPPER_HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** An escaped byte takes at most six ({@code \}{@code u001F}); a four-byte character takes twelve. */
    private static final int MAX_ESCAPE_GROWTH = 6;

    private byte[] bytes = new byte[1024];
    private int length;

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    /** The buffer itself (valid up to {@link #length()}); a write may replace it with a larger one. */
    byte[] bytes() {
        return bytes;
    }

    /** Bytes as they are: field names and punctuation, a verbatim JSON value. */
    void write(byte[] raw) {
        ensureRoom(raw.length);
        System.arraycopy(raw, 0, bytes, length, raw.length);
        length += raw.length;
    }

    void writeByte(char c) {
        ensureRoom(1);
        bytes[length++] = (byte) c;
    }

    /** A JSON string of {@code text}. */
    void writeString(String text) {
        int start = length;
        ensureRoom(MAX_ESCAPE_GROWTH * text.length() + 2);
        bytes[length++] = '"';
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // Rare (header names and topics are ASCII): redo the whole string from its UTF-8 bytes.
                length = start;
                writeUtf8String(text.getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (c < 0x20 || c == '"' || c == '\\') {
                writeEscaped(c);
            } else {
                bytes[length++] = (byte) c;
            }
        }
        bytes[length++] = '"';
    }

    /** A JSON string of the text in {@code utf8}, which must be well-formed UTF-8. */
    void writeUtf8String(byte[] utf8) {
        ensureRoom(MAX_ESCAPE_GROWTH * utf8.length + 2);
        bytes[length++] = '"';
        int i = 0;
        while (i < utf8.length) {
            int b = utf8[i];
            if (b >= 0x20 && b != '"' && b != '\\') {
                bytes[length++] = (byte) b;
                i++;
            } else if (b >= 0) {
                writeEscaped((char) b);
                i++;
            } else if ((b & 0xF8) == 0xF0) {
                int codePoint = (b & 0x07) << 18 | (utf8[i + 1] & 0x3F) << 12 | (utf8[i + 2] & 0x3F) << 6 | (utf8[i + 3] & 0x3F);
                writeUnicodeEscape(Character.highSurrogate(codePoint));
                writeUnicodeEscape(Character.lowSurrogate(codePoint));
                i += 4;
            } else {
                bytes[length++] = (byte) b;
                i++;
            }
        }
        bytes[length++] = '"';
    }

    /** A JSON string of the base64 of {@code binary}. */
    void writeBase64String(byte[] binary) {
        writeByte('"');
        write(Base64.getEncoder().encode(binary));
        writeByte('"');
    }

    /** Lower-case hex digits of {@code binary}, without quotes. */
    void writeLowerHex(byte[] binary) {
        ensureRoom(2 * binary.length);
        for (byte b : binary) {
            bytes[length++] = LOWER_HEX[(b >> 4) & 0xF];
            bytes[length++] = LOWER_HEX[b & 0xF];
        }
    }

    void writeNumber(long number) {
        if (number == Long.MIN_VALUE) {
            write(Long.toString(number).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        ensureRoom(20);
        long rest = number;
        if (rest < 0) {
            bytes[length++] = '-';
            rest = -rest;
        }
        int digits = 1;
        for (long power = 10; digits < 19 && rest >= power; power *= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        length += digits;
    }

    /** Room for the string's longest escaped form was made up front: these write without checking. */
    private void writeEscaped(char c) {
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortForm == 0) {
            writeUnicodeEscape(c);
        } else {
            bytes[length++] = '\\';
            bytes[length++] = (byte) shortForm;
        }
    }

    private void writeUnicodeEscape(char c) {
        bytes[length++] = '\\';
        bytes[length++] = 'u';
        bytes[length++] = UPPER_HEX[(c >> 12) & 0xF];
        bytes[length++] = UPPER_HEX[(c >> 8) & 0xF];
        bytes[length++] = UPPER_HEX[(c >> 4) & 0xF];
        bytes[length++] = UPPER_HEX[c & 0xF];
    }

    private void ensureRoom(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
