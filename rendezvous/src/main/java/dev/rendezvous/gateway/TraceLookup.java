package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;

/**
 * Finds what the archive holds for the admin API: the trace of one request — its input, every model's
 * answer, the decision — for {@code GET /v1/admin/trace/{app}/{requestId}}, and the control-plane
 * history (policy versions, registry changes). Implementations may block (they read the archive); the
 * gateway calls them on a worker thread.
 */
@FunctionalInterface
public interface TraceLookup {
    /** The lookup of a gateway started without an archive: every trace answers 404 "no archive configured". */
    TraceLookup NOT_CONFIGURED = new TraceLookup() {
        @Override
        public Optional<JsonNode> trace(String app, String requestId) {
            return Optional.empty();
        }

        @Override
        public boolean configured() {
            return false;
        }
    };

    /** The request's trace as JSON, or empty when the archive holds nothing for it. */
    Optional<JsonNode> trace(String app, String requestId) throws IOException;

    /** Policy {@code version} of {@code app} as archived ({@code version}, {@code updatedBy}, {@code updatedAtMs}, {@code policy}, ...). */
    default Optional<JsonNode> policyVersion(String app, long version) throws IOException {
        return Optional.empty();
    }

    /** The app's archived control-plane history: {@code policies} (versions without text) and {@code models} (role changes). */
    default Optional<JsonNode> history(String app) throws IOException {
        return Optional.empty();
    }

    /**
     * Runs one read-only SQL query over the app's archive (as of {@code snapshotId}, or everything when
     * null) and returns {@code {columns, rows, rowCount, truncated, limit, elapsedMs}}, at most
     * {@code maxRows} rows, within the implementation's time limit.
     *
     * @throws IllegalArgumentException naming the problem when the query is refused, fails on its own terms
     *                                  or runs out of time, or the snapshot id is malformed (HTTP 400)
     * @throws java.nio.file.NoSuchFileException when the app has no such snapshot (HTTP 404)
     * @throws IOException              when the archive cannot be read (HTTP 503)
     */
    default JsonNode sql(String app, String snapshotId, String sql, int maxRows) throws IOException {
        throw new UnsupportedOperationException("this archive lookup runs no SQL");
    }

    /**
     * Exports a snapshot of the app's archive (its id or name) as {@code format} ({@code ndjson} or
     * {@code parquet}) into a fresh owner-only working directory, as {@code archive export} does.
     *
     * @throws IllegalArgumentException naming the problem (bad id or format; HTTP 400)
     * @throws java.nio.file.NoSuchFileException when the app has no such snapshot (HTTP 404)
     * @throws IOException              when the archive cannot be read (HTTP 503)
     */
    default ArchiveExport export(String app, String snapshot, String format) throws IOException {
        throw new UnsupportedOperationException("this archive lookup exports nothing");
    }

    /**
     * An export ready to send: its data {@code file}, the export manifest as JSON ({@code sha256},
     * {@code rows}, the segments read …), and what removes the working copy once it is sent (blocking).
     */
    record ArchiveExport(java.nio.file.Path file, JsonNode manifest, Runnable discard) {
    }

    /** Whether an archive stands behind this lookup. */
    default boolean configured() {
        return true;
    }
}
