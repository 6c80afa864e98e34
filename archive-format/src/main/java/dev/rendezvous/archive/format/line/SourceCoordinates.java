package dev.rendezvous.archive.format.line;

import dev.rendezvous.protocol.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Where a decoy copy was read from: the requests topic, partition and offset of the original record. */
public record SourceCoordinates(String topic, int partition, long offset) {
    /** Up to 18 digits cannot overflow a {@code long}; longer numbers take {@link Long#parseLong}'s path. */
    private static final int SAFE_DIGITS = 18;

    public SourceCoordinates {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("source topic is missing");
        }
    }

    /** The coordinates the decoy put in the headers; empty when any of them is missing or not a number. */
    public static Optional<SourceCoordinates> fromHeaders(Headers headers) {
        Optional<String> topic = RecordHeaders.text(headers, RecordHeaders.SOURCE_TOPIC);
        OptionalLong partition = number(headers, RecordHeaders.SOURCE_PARTITION);
        OptionalLong offset = number(headers, RecordHeaders.SOURCE_OFFSET);
        if (topic.isEmpty() || topic.get().isEmpty() || partition.isEmpty() || offset.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SourceCoordinates(topic.get(), (int) partition.getAsLong(), offset.getAsLong()));
    }

    /**
     * A numeric header, or empty when it is absent or not a decimal number: what {@link Long#parseLong}
     * makes of the header's text. Plain ASCII digits, every header the platform writes, are read
     * straight from the bytes.
     */
    static OptionalLong number(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return OptionalLong.empty();
        }
        byte[] bytes = header.value();
        if (bytes.length > 0 && bytes.length <= SAFE_DIGITS) {
            long number = 0;
            int i = 0;
            while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
                number = number * 10 + (bytes[i++] - '0');
            }
            if (i == bytes.length) {
                return OptionalLong.of(number);
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(new String(bytes, StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
