package dev.rendezvous.archiver.line;

import dev.rendezvous.protocol.RecordHeaders;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/** Where a decoy copy was read from: the requests topic, partition and offset of the original record. */
public record SourceCoordinates(String topic, int partition, long offset) {

    public SourceCoordinates {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("source topic is missing");
        }
    }

    /** The coordinates the decoy put in the headers; empty when any of them is missing or not a number. */
    public static Optional<SourceCoordinates> fromHeaders(Headers headers) {
        Optional<String> topic = RecordHeaders.text(headers, RecordHeaders.SOURCE_TOPIC);
        Optional<Long> partition = number(headers, RecordHeaders.SOURCE_PARTITION);
        Optional<Long> offset = number(headers, RecordHeaders.SOURCE_OFFSET);
        if (topic.isEmpty() || topic.get().isEmpty() || partition.isEmpty() || offset.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SourceCoordinates(topic.get(), partition.get().intValue(), offset.get()));
    }

    /** A numeric header, or empty when it is absent or not a decimal number. */
    static Optional<Long> number(Headers headers, String name) {
        try {
            return RecordHeaders.text(headers, name).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
