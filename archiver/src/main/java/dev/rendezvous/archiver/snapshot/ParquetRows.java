package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archiver.segment.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * Collects an export's verified inputs in an in-memory DuckDB table and writes it as one Parquet file
 * (zstd): the Kafka coordinates, the value's hash and the value's exact JSON text, beside typed columns
 * for training ({@code request_id}, {@code received_at_ms}, {@code deadline_at_ms}, {@code features}
 * as a struct whose fields DuckDB infers from all rows, {@code tensors} as JSON). DuckDB writes into
 * an owner-only temporary directory; the file is made {@code rw-------} before it is moved into place.
 */
final class ParquetRows implements SnapshotExport.Rows {
    private final Connection connection;
    private final DuckDBAppender appender;
    private boolean appenderClosed;

    ParquetRows() throws IOException {
        try {
            connection = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
                statement.execute("CREATE TABLE staged (topic VARCHAR, partition INTEGER, \"offset\" BIGINT, kafka_timestamp BIGINT, "
                        + "sha256 VARCHAR, value VARCHAR)");
            }
            appender = connection.unwrap(DuckDBConnection.class).createAppender("main", "staged");
        } catch (SQLException e) {
            throw new IOException("DuckDB could not start for the Parquet export: " + e.getMessage(), e);
        }
    }

    @Override
    public void add(ArchivedLine line, byte[] value) throws IOException {
        try {
            appender.beginRow();
            appender.append(line.topic());
            appender.append(line.partition());
            appender.append(line.offset());
            appender.append(line.timestamp());
            appender.append(line.sha256());
            appender.append(new String(value, StandardCharsets.UTF_8));
            appender.endRow();
        } catch (SQLException e) {
            throw new IOException("the Parquet export could not stage " + line.topic() + "-" + line.partition() + "@" + line.offset() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes the staged rows to {@code target}, owner-only. */
    void writeTo(Path target) throws IOException {
        Path temp = DurableFiles.createOwnerOnlyDirectory(target.resolveSibling(".parquet-" + UUID.randomUUID()));
        Path written = temp.resolve(target.getFileName());
        try (Statement statement = connection.createStatement()) {
            closeAppender();
            String features = featureStructure(statement);
            String select = "SELECT value::JSON->>'id' AS request_id, CAST(value::JSON->>'receivedAtMs' AS BIGINT) AS received_at_ms, "
                    + "CAST(value::JSON->>'deadlineAtMs' AS BIGINT) AS deadline_at_ms, "
                    + (features == null ? "" : "json_transform(value::JSON->'features', '" + features.replace("'", "''") + "') AS features, ")
                    + "value::JSON->'inputs' AS tensors, topic, partition, \"offset\", kafka_timestamp, sha256, value "
                    + "FROM staged ORDER BY partition, \"offset\"";
            statement.execute("COPY (" + select + ") TO '" + written.toString().replace("'", "''") + "' (FORMAT parquet, COMPRESSION zstd)");
            Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-------"));
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (SQLException e) {
            throw new IOException("DuckDB could not write " + target + ": " + e.getMessage(), e);
        } catch (UnsupportedOperationException e) {
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE); // no POSIX permissions here: the directory's defaults apply
        } finally {
            Files.deleteIfExists(written);
            Files.deleteIfExists(temp);
        }
    }

    /** The struct type DuckDB infers for {@code features} over every row; null when no row has features. */
    private static String featureStructure(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT json_group_structure(value::JSON->'features') FROM staged "
                + "WHERE json_type(value::JSON->'features') = 'OBJECT'")) {
            result.next();
            String structure = result.getString(1);
            return structure == null || !structure.startsWith("{") ? null : structure;
        }
    }

    private void closeAppender() throws SQLException {
        if (!appenderClosed) {
            appenderClosed = true;
            appender.close(); // flushes the staged rows into the table
        }
    }

    @Override
    public void close() throws IOException {
        try {
            closeAppender();
            connection.close();
        } catch (SQLException e) {
            throw new IOException("DuckDB did not close: " + e.getMessage(), e);
        }
    }
}
