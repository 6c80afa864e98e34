package dev.rendezvous.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Names of the Kafka headers the platform writes, and helpers to read them as text. */
public final class RecordHeaders {
    /** W3C trace context, copied from the HTTP request onto every record of that request. */
    public static final String TRACEPARENT = "traceparent";
    /** Decoy and dead-letter records: where the original record was read from. */
    public static final String SOURCE_TOPIC = "rdv-source-topic";
    public static final String SOURCE_PARTITION = "rdv-source-partition";
    public static final String SOURCE_OFFSET = "rdv-source-offset";
    /** Decoy records: the source record's Kafka timestamp, epoch milliseconds. */
    public static final String SOURCE_TIMESTAMP = "rdv-source-timestamp";
    /** Decoy records: when the decoy read the source record, epoch milliseconds. */
    public static final String ARRIVAL_MS = "rdv-arrival-ms";
    /**
     * Decoy records whose value the decoy redacted before the archive: a {@link RedactionNote} as
     * JSON (rule set version, the fields dropped, hashed and truncated in this record). Absent when
     * the copy is the request byte for byte.
     */
    public static final String REDACTION = "rdv-redaction";
    /** Dead-letter records: why the record could not be processed, and by whom. */
    public static final String DEAD_LETTER_REASON = "rdv-dead-letter-reason";
    public static final String DEAD_LETTER_BY = "rdv-dead-letter-by";
    /**
     * Decision records: {@value #DECIDED_BY_STANDBY} when a hot-standby rendezvous published the
     * decision because the owner of the request's partition had not (absent on the owner's decisions).
     */
    public static final String DECIDED_BY = "rdv-decided-by";
    public static final String DECIDED_BY_STANDBY = "standby";

    private RecordHeaders() {
    }

    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    public static Optional<String> text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
