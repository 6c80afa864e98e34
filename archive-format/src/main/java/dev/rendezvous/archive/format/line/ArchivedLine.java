package dev.rendezvous.archive.format.line;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * What the archive needs to know of a line it wrote earlier: its Kafka coordinates and timestamp, its
 * key as text (null when absent or not UTF-8), the decoy's source coordinates (null when absent) and
 * the value's hash (null when the record had no value).
 */
public record ArchivedLine(String topic, int partition, long offset, long timestamp, String key, SourceCoordinates source, String sha256) {
    /** Reads back whatever the encoder may have embedded (see {@code VerbatimJson}'s tighter limits). */
    private static final JsonFactory READER = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(1000)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();
    private static final int VALUE_FIELD_LENGTH = "\"value\":".length();

    /**
     * Parses one line (with or without its trailing newline).
     *
     * @throws IllegalArgumentException naming the problem when the line is not one complete archive line
     */
    public static ArchivedLine parse(byte[] line, int length) {
        Fields fields = new Fields();
        try (JsonParser parser = READER.createParser(line, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                fields.read(name, parser);
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("text after the JSON object");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        return fields.toLine();
    }

    public static ArchivedLine parse(byte[] line) {
        return parse(line, line.length);
    }

    /**
     * The record's value exactly as it was on Kafka (null when it had none): decoded from
     * {@code valueBase64}, or cut verbatim out of the line, since {@code value} is the last field.
     */
    public static byte[] value(byte[] line) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
            end--;
        }
        try (JsonParser parser = READER.createParser(line, 0, end)) {
            parser.nextToken();
            boolean hasValue = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                long nameStart = parser.currentTokenLocation().getByteOffset();
                JsonToken token = parser.nextToken();
                if (name.equals("sha256")) {
                    hasValue = token != JsonToken.VALUE_NULL;
                } else if (name.equals("valueBase64")) {
                    return Base64.getDecoder().decode(parser.getText());
                } else if (name.equals("value")) {
                    if (line[end - 1] != '}') {
                        throw new IllegalArgumentException("the line does not end with the closing brace after its value");
                    }
                    // The name's location is its opening quote; the value runs from after "value": to the closing brace.
                    return hasValue ? Arrays.copyOfRange(line, (int) nameStart + VALUE_FIELD_LENGTH, end - 1) : null;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the line has no value field");
    }

    /** Collects the few fields recovery needs, skipping everything else. */
    private static final class Fields {
        private String topic;
        private Integer partition;
        private Long offset;
        private long timestamp = -1;
        private String key;
        private String sourceTopic;
        private Integer sourcePartition;
        private Long sourceOffset;
        private String sha256;

        void read(String name, JsonParser parser) throws IOException {
            switch (name) {
                case "topic" -> topic = parser.getValueAsString();
                case "partition" -> partition = parser.getIntValue();
                case "offset" -> offset = parser.getLongValue();
                case "timestamp" -> timestamp = parser.getLongValue();
                case "key" -> key = parser.getValueAsString();
                case "sourceTopic" -> sourceTopic = parser.getValueAsString();
                case "sourcePartition" -> sourcePartition = parser.getIntValue();
                case "sourceOffset" -> sourceOffset = parser.getLongValue();
                case "sha256" -> sha256 = parser.getValueAsString();
                default -> parser.skipChildren();
            }
        }

        ArchivedLine toLine() {
            if (topic == null || partition == null || offset == null) {
                throw new IllegalArgumentException("topic, partition or offset is missing");
            }
            SourceCoordinates source = sourceTopic != null && sourcePartition != null && sourceOffset != null
                    ? new SourceCoordinates(sourceTopic, sourcePartition, sourceOffset)
                    : null;
            return new ArchivedLine(topic, partition, offset, timestamp, key, source, sha256);
        }
    }
}
