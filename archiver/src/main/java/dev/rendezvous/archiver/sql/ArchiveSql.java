package dev.rendezvous.archiver.sql;

import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.duckdb.DuckDBDriver;

/**
 * Read-only SQL over one application's archive, live or as of a snapshot, with DuckDB: every query
 * gets its own in-memory database whose views ({@link ArchiveViews}) read the segment files in place.
 * Three locks keep it read-only and inside the archive: only one SELECT (or WITH … SELECT) statement
 * passes DuckDB's own parser check ({@link ReadOnlyQuery}); file access is disabled except for exactly
 * the app's segment files ({@code enable_external_access = false}, {@code allowed_paths}), which also
 * stops COPY, ATTACH, INSTALL and LOAD; and the configuration is locked so that no query can undo
 * either. Blocking: run it on a worker thread.
 */
public final class ArchiveSql {
    private static final ScheduledExecutorService CANCELLER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "archive-sql-timeout");
        thread.setDaemon(true);
        return thread;
    });

    private final Path archiveDir;
    private final SnapshotStore snapshots;

    public ArchiveSql(Path archiveDir) {
        this.archiveDir = archiveDir;
        this.snapshots = new SnapshotStore(archiveDir);
    }

    /**
     * Runs {@code sql} over {@code app}'s archive: as of snapshot {@code snapshotId}, or (null) over
     * every sealed and open segment.
     *
     * @throws SqlRefusedException      when the query is refused, fails on its own terms or runs out of time
     * @throws IllegalArgumentException on an illegal app name or snapshot id
     * @throws java.nio.file.NoSuchFileException when {@code app} has no such snapshot
     * @throws IOException              when the archive cannot be read
     */
    public SqlResult query(String app, String snapshotId, String sql, SqlLimits limits) throws IOException {
        ArchiveNames.requireApp(app);
        if (sql == null || sql.isBlank()) {
            throw new SqlRefusedException("the SQL is empty; expected one SELECT query over inputs, scores and decisions", false);
        }
        Path appDir = archiveDir.resolve(app);
        List<ArchiveFiles> files = new ArrayList<>();
        if (snapshotId != null) {
            Snapshot snapshot = snapshots.show(app, snapshotId);
            for (String kind : List.of("decoy", "scores", "results")) {
                files.add(ArchiveFiles.ofSnapshot(appDir, snapshot, kind));
            }
        } else {
            for (String kind : List.of("decoy", "scores", "results")) {
                files.add(ArchiveFiles.live(appDir, kind));
            }
        }
        long started = System.nanoTime();
        try (Connection connection = open(files, limits)) {
            ReadOnlyQuery.check(connection, sql);
            return run(connection, sql, limits, started);
        } catch (SQLException e) {
            throw translate(e, limits);
        }
    }

    /** A fresh in-memory database with the views defined and the configuration locked. */
    static Connection open(List<ArchiveFiles> files, SqlLimits limits) throws IOException {
        Properties properties = new Properties();
        // Stream rows rather than materialise the whole result: only limit + 1 rows are ever read.
        properties.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        Connection connection;
        try {
            connection = new DuckDBDriver().connect("jdbc:duckdb:", properties);
        } catch (SQLException e) {
            throw new IOException("DuckDB could not start: " + e.getMessage(), e);
        }
        try (Statement statement = connection.createStatement()) {
            Set<String> allowed = new LinkedHashSet<>();
            files.forEach(kind -> kind.files().forEach(file -> allowed.add(ArchiveViews.literal(file))));
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("SET memory_limit = " + ArchiveViews.literal(limits.memoryLimit()));
            statement.execute("SET allowed_paths = [" + String.join(", ", allowed) + "]");
            statement.execute("SET enable_external_access = false");
            statement.execute("SET autoinstall_known_extensions = false");
            statement.execute("SET autoload_known_extensions = false");
            for (String view : ArchiveViews.create(files.get(0), files.get(1), files.get(2))) {
                statement.execute(view);
            }
            statement.execute("SET lock_configuration = true");
            return connection;
        } catch (SQLException e) {
            close(connection);
            throw new IOException("the archive's views could not be defined: " + e.getMessage(), e);
        }
    }

    private static SqlResult run(Connection connection, String sql, SqlLimits limits, long startedNanos) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            AtomicBoolean timedOut = new AtomicBoolean();
            ScheduledFuture<?> cancel = CANCELLER.schedule(() -> {
                timedOut.set(true);
                try {
                    statement.cancel();
                } catch (SQLException ignored) {
                    // Already finished or closed: nothing left to interrupt.
                }
            }, limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
            try (ResultSet rows = statement.executeQuery(sql)) {
                ResultSetMetaData meta = rows.getMetaData();
                List<SqlResult.Column> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(new SqlResult.Column(meta.getColumnLabel(i), meta.getColumnTypeName(i)));
                }
                List<List<Object>> read = new ArrayList<>();
                boolean truncated = false;
                while (rows.next()) {
                    if (read.size() == limits.maxRows()) {
                        truncated = true;
                        break;
                    }
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int i = 0; i < columns.size(); i++) {
                        row.add(SqlValues.read(rows, i + 1, columns.get(i).type()));
                    }
                    read.add(row);
                }
                return new SqlResult(columns, read, truncated, limits.maxRows(), (System.nanoTime() - startedNanos) / 1_000_000);
            } catch (SQLException e) {
                throw timedOut.get() ? new SQLException("INTERRUPT Error: time limit", e) : e;
            } finally {
                cancel.cancel(false);
            }
        }
    }

    /**
     * DuckDB prefixes every error with its kind ("Parser Error: …", "Binder Error: …"); an I/O error is
     * the archive's problem (a file gone, a corrupt line in a sealed segment), the rest the query's.
     */
    private static IOException translate(SQLException e, SqlLimits limits) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        if (message.startsWith("INTERRUPT Error")) {
            throw new SqlRefusedException("the query ran longer than its time limit of " + limits.timeout().toMillis()
                    + " ms and was stopped; narrow it (a time window, a snapshot, fewer columns) or raise the limit", true);
        }
        if (message.startsWith("IO Error")) {
            return new IOException("the archive could not be read: " + message, e);
        }
        throw new SqlRefusedException("the query failed: " + message, false);
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing after a failure: the first error is the one to report.
        }
    }
}
