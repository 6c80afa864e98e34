package dev.rendezvous.archive.format.line;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decides whether a record value can sit inside an archive line as its own JSON text, unchanged:
 * exactly one strict JSON value, valid UTF-8, and no line break (which would split the NDJSON line).
 *
 * <p>It works on the bytes: one scan for control characters and non-ASCII, then one streaming
 * parse that skips the value without building anything. (Decoding to a {@code String} first and
 * parsing that was the archiver's largest single cost after hashing.) The answer is the same as the
 * {@code String} route's: see {@code VerbatimJsonTest}, which compares both on mutated inputs.
 */
final class VerbatimJson {
    /**
     * Tighter than {@link ArchivedLine}'s reader on purpose, so that every line we write can be read
     * back: the embedded value sits one level deeper than the line itself.
     */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build())
            .build();
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private VerbatimJson() {
    }

    /** Whether {@code value} may be embedded as is; otherwise it must be archived as base64. */
    static boolean isEmbeddable(byte[] value) {
        if (value == null || value.length == 0) {
            return false;
        }
        boolean ascii = true;
        for (byte b : value) {
            if (b < 0x20) {
                if (b < 0) {
                    ascii = false;
                } else if (b != '\t') {
                    // CR and LF would split the line. Every other control character is invalid anywhere in
                    // strict JSON, and a NUL among the first bytes would make Jackson read the bytes as UTF-16/32.
                    return false;
                }
            }
        }
        if (!ascii && (!Utf8.isValid(value, 0, value.length) || startsWithByteOrderMark(value))) {
            // A byte-order mark is not JSON whitespace (many tools reject it mid-line), and Jackson would skip it.
            return false;
        }
        return isSingleJsonValue(value);
    }

    private static boolean isSingleJsonValue(byte[] value) {
        try (JsonParser parser = STRICT.createParser(value)) {
            return isSingleJsonValue(parser);
        } catch (StreamConstraintsException e) {
            // The byte parser counts a name's length in bytes, the limit means characters: let the text parser decide.
            return isSingleJsonText(new String(value, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isSingleJsonText(String text) {
        try (JsonParser parser = STRICT.createParser(text)) {
            return isSingleJsonValue(parser);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isSingleJsonValue(JsonParser parser) throws IOException {
        if (parser.nextToken() == null) {
            return false;
        }
        parser.skipChildren();
        return parser.nextToken() == null;
    }

    private static boolean startsWithByteOrderMark(byte[] value) {
        return value.length >= 3 && value[0] == BYTE_ORDER_MARK[0] && value[1] == BYTE_ORDER_MARK[1] && value[2] == BYTE_ORDER_MARK[2];
    }
}
