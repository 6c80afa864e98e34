package dev.rendezvous.replay.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.rendezvous.protocol.RecordHeaders;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The fields of one archive line a replay needs, read in ONE streaming pass that stops at the value
 * (the last field). {@code ArchivedLine.parse} plus {@code ArchivedLine.value} read each line twice and
 * the first skips through the whole value; measured, that was the largest cost of a replay, so this
 * reads the same documented line format once.
 *
 * @param key    the record key as text; null when absent or not UTF-8
 * @param sha256 the value's hash as archived; null when the record had no value
 * @param value  the exact value bytes; null when the record had no value
 * @param redaction the {@code rdv-redaction} header's JSON text; null when the decoy did not redact the copy
 */
record ArchiveLineFields(int partition, long offset, String key, String sha256, byte[] value, String redaction) {
    private static final JsonFactory READER = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE).build())
            .build();
    private static final int VALUE_FIELD_LENGTH = "\"value\":".length();

    /** Reads one line (without its newline). */
    static ArchiveLineFields read(byte[] line) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
            end--;
        }
        int partition = -1;
        long offset = -1;
        String key = null;
        String sha256 = null;
        String redaction = null;
        try (JsonParser parser = READER.createParser(line, 0, end)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an archive line: not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                long nameStart = parser.currentTokenLocation().getByteOffset();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "partition" -> partition = parser.getIntValue();
                    case "offset" -> offset = parser.getLongValue();
                    case "key" -> key = parser.getValueAsString();
                    case "sha256" -> sha256 = token == JsonToken.VALUE_NULL ? null : parser.getText();
                    case "headers" -> redaction = redactionHeader(parser);
                    case "valueBase64" -> {
                        return new ArchiveLineFields(partition, offset, key, sha256, Base64.getDecoder().decode(parser.getText()), redaction);
                    }
                    case "value" -> {
                        if (line[end - 1] != '}') {
                            throw new IllegalArgumentException("not an archive line: it does not end with the brace after its value");
                        }
                        byte[] value = sha256 == null ? null : Arrays.copyOfRange(line, (int) nameStart + VALUE_FIELD_LENGTH, end - 1);
                        return new ArchiveLineFields(partition, offset, key, sha256, value, redaction);
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not an archive line: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not an archive line: it has no value field");
    }

    /** The {@code rdv-redaction} entry of the line's {@code headers} object (the parser is on its start), skipping the rest. */
    private static String redactionHeader(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        String redaction = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            if (RecordHeaders.REDACTION.equals(name) && token == JsonToken.VALUE_STRING) {
                redaction = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return redaction;
    }
}
