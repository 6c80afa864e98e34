package dev.rendezvous.archiver.trace;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;

/**
 * One archived record found for a request: where it is, and its value exactly as it was on Kafka.
 *
 * @param kind         {@code decoy}, {@code scores} or {@code results}
 * @param segment      the segment file, relative to the application's directory
 * @param sealed       whether that segment is sealed (else it is still being appended to)
 * @param hashVerified whether the value's bytes hash to the {@code sha256} archived with them
 * @param value        the value's bytes; null when the record had none
 */
public record TracedRecord(String kind, String topic, int partition, long offset, long timestamp, String segment, boolean sealed,
                           String sha256, boolean hashVerified, byte[] value) {

    static TracedRecord of(String kind, String segment, boolean sealed, byte[] line) {
        ArchivedLine parsed = ArchivedLine.parse(line);
        byte[] value = ArchivedLine.value(line);
        boolean verified = value != null && LineEncoder.sha256(value).equals(parsed.sha256());
        return new TracedRecord(kind, parsed.topic(), parsed.partition(), parsed.offset(), parsed.timestamp(), segment, sealed,
                parsed.sha256(), verified, value);
    }

    /** {@code topic-partition@offset}. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }
}
