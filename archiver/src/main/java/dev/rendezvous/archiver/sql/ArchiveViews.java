package dev.rendezvous.archiver.sql;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL that defines the views a query sees. {@code raw_inputs}, {@code raw_scores} and
 * {@code raw_decisions} are the archive lines themselves (Kafka coordinates, key, headers, hash,
 * value as JSON); {@code inputs}, {@code scores} and {@code decisions} type the fields of the
 * protocol records ({@code ScoringRequest}, {@code ModelScore}, {@code Decision}) as columns.
 * Views, not tables: DuckDB reads only the files (and columns) a query needs.
 */
final class ArchiveViews {
    /** The line fields read; {@code value} as JSON so that each view can pick its fields. */
    private static final String LINE_COLUMNS = "{topic: 'VARCHAR', partition: 'INTEGER', \"offset\": 'BIGINT', timestamp: 'BIGINT', "
            + "key: 'VARCHAR', headers: 'JSON', sha256: 'VARCHAR', value: 'JSON', valueBase64: 'VARCHAR'}";
    private static final String EMPTY_LINES = "SELECT NULL::VARCHAR AS topic, NULL::INTEGER AS partition, NULL::BIGINT AS \"offset\", "
            + "NULL::BIGINT AS timestamp, NULL::VARCHAR AS key, NULL::JSON AS headers, NULL::VARCHAR AS sha256, NULL::JSON AS value, "
            + "NULL::VARCHAR AS valueBase64 WHERE false";

    private static final String INPUTS = """
            CREATE VIEW inputs AS SELECT
              coalesce(value->>'id', key) AS request_id,
              epoch_ms(CAST(value->>'receivedAtMs' AS BIGINT))::TIMESTAMPTZ AS time,
              value->>'app' AS app,
              CAST(value->>'receivedAtMs' AS BIGINT) AS received_at_ms,
              CAST(value->>'deadlineAtMs' AS BIGINT) AS deadline_at_ms,
              value->'features' AS features,
              value->'inputs' AS tensors,
              value->>'pinnedModel' AS pinned_model,
              topic, partition, "offset", epoch_ms(timestamp)::TIMESTAMPTZ AS kafka_time, sha256, value
            FROM raw_inputs""";
    private static final String SCORES = """
            CREATE VIEW scores AS SELECT
              coalesce(value->>'requestId', key) AS request_id,
              epoch_ms(CAST(value->>'scoredAtMs' AS BIGINT))::TIMESTAMPTZ AS time,
              value->>'model' AS model,
              value->>'version' AS version,
              value->>'role' AS role,
              value->'output'->>'label' AS label,
              value->'output' AS output,
              value->'error'->>'code' AS error_code,
              value->'error'->>'message' AS error_message,
              (CAST(value->>'queueWaitMicros' AS BIGINT) + CAST(value->>'inferenceMicros' AS BIGINT)) / 1000.0 AS latency_ms,
              CAST(value->>'queueWaitMicros' AS BIGINT) AS queue_wait_micros,
              CAST(value->>'inferenceMicros' AS BIGINT) AS inference_micros,
              CAST(value->>'batchSize' AS INTEGER) AS batch_size,
              value->>'batchId' AS batch_id,
              CAST(value->>'batchPosition' AS INTEGER) AS batch_position,
              CAST(value->>'scoredAtMs' AS BIGINT) AS scored_at_ms,
              value->>'artifactSha256' AS artifact_sha256,
              topic, partition, "offset", epoch_ms(timestamp)::TIMESTAMPTZ AS kafka_time, sha256, value
            FROM raw_scores""";
    private static final String DECISIONS = """
            CREATE VIEW decisions AS SELECT
              coalesce(value->>'requestId', key) AS request_id,
              epoch_ms(CAST(value->>'decidedAtMs' AS BIGINT))::TIMESTAMPTZ AS time,
              value->>'outcome' AS outcome,
              value->>'model' AS model,
              value->>'version' AS version,
              value->>'reason' AS reason,
              CAST(value->>'policyVersion' AS BIGINT) AS policy_version,
              CAST(value->>'splitVariant' AS INTEGER) AS split_variant,
              value->'output'->>'label' AS label,
              value->'output' AS output,
              CAST(value->>'decidedAtMs' AS BIGINT) - CAST(value->>'receivedAtMs' AS BIGINT) AS latency_ms,
              value->'late' AS late,
              value->'candidates' AS candidates,
              CAST(value->>'receivedAtMs' AS BIGINT) AS received_at_ms,
              CAST(value->>'deadlineAtMs' AS BIGINT) AS deadline_at_ms,
              CAST(value->>'decidedAtMs' AS BIGINT) AS decided_at_ms,
              topic, partition, "offset", epoch_ms(timestamp)::TIMESTAMPTZ AS kafka_time, sha256, value
            FROM raw_decisions""";

    private ArchiveViews() {
    }

    /** The statements that create every view over {@code inputs}, {@code scores} and {@code results} files. */
    static List<String> create(ArchiveFiles inputs, ArchiveFiles scores, ArchiveFiles results) {
        return List.of(raw("raw_inputs", inputs), raw("raw_scores", scores), raw("raw_decisions", results), INPUTS, SCORES, DECISIONS);
    }

    private static String raw(String view, ArchiveFiles files) {
        if (files.files().isEmpty()) {
            return "CREATE VIEW " + view + " AS " + EMPTY_LINES;
        }
        String list = files.files().stream().map(ArchiveViews::literal).collect(Collectors.joining(", ", "[", "]"));
        // An open segment's newest line may still be in the writer's buffer, cut in two: skip what does not parse.
        // Sealed segments were hashed and re-read at sealing, so a line that does not parse there is an error.
        String read = "SELECT * FROM read_json(" + list + ", format = 'newline_delimited', columns = " + LINE_COLUMNS
                + (files.live() ? ", ignore_errors = true" : "") + ")";
        return "CREATE VIEW " + view + " AS " + read + cutFilter(files.cuts());
    }

    /** Keeps each partition's lines up to its cut: the snapshot's records are a prefix by offset. */
    private static String cutFilter(Map<Integer, Long> cuts) {
        if (cuts.isEmpty()) {
            return "";
        }
        return cuts.entrySet().stream().map(cut -> "WHEN " + cut.getKey() + " THEN \"offset\" <= " + cut.getValue())
                .collect(Collectors.joining(" ", " WHERE CASE partition ", " ELSE false END"));
    }

    /** A single-quoted SQL string literal. */
    static String literal(Path path) {
        return literal(path.toString());
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
