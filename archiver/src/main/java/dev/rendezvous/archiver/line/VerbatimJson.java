package dev.rendezvous.archiver.line;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decides whether a record value can sit inside an archive line as its own JSON text, unchanged:
 * exactly one strict JSON value, valid UTF-8, and no line break (which would split the NDJSON line).
 */
final class VerbatimJson {
    /**
     * Tighter than {@link ArchivedLine}'s reader on purpose, so that every line we write can be read
     * back: the embedded value sits one level deeper than the line itself.
     */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build())
            .build();

    private VerbatimJson() {
    }

    /** The value as text when it may be embedded as is; empty when it must be archived as base64. */
    static Optional<String> embeddable(byte[] value) {
        if (value == null || value.length == 0 || containsLineBreak(value)) {
            return Optional.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        // A byte-order mark is not JSON whitespace; many tools reject it mid-line.
        if (text.charAt(0) == '\uFEFF') {
            return Optional.empty();
        }
        return isSingleJsonValue(text) ? Optional.of(text) : Optional.empty();
    }

    private static boolean isSingleJsonValue(String text) {
        try (JsonParser parser = STRICT.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean containsLineBreak(byte[] value) {
        for (byte b : value) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }
}
