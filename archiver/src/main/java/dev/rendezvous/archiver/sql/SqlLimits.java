package dev.rendezvous.archiver.sql;

import java.time.Duration;

/**
 * How much one query may take: rows returned (more are cut off and the result says so), wall time
 * (the query is interrupted), and DuckDB's memory.
 *
 * @param maxRows     rows returned at most, 1 to 1,000,000
 * @param timeout     how long the query may run, reading its rows included
 * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 1GB}
 */
public record SqlLimits(int maxRows, Duration timeout, String memoryLimit) {
    public static final int MAX_ROWS = 1_000_000;
    /** For the command line: an investigator waits for a big query, but not forever. */
    public static final SqlLimits CLI = new SqlLimits(10_000, Duration.ofSeconds(120), "2GB");

    public SqlLimits {
        if (maxRows < 1 || maxRows > MAX_ROWS) {
            throw new IllegalArgumentException("row limit " + maxRows + " is out of range; expected 1 to " + MAX_ROWS);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("time limit " + timeout + " must be positive");
        }
        if (memoryLimit == null || !memoryLimit.matches("[0-9]+(\\.[0-9]+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")) {
            throw new IllegalArgumentException("memory limit '" + memoryLimit + "' is not a size such as 512MB or 2GB");
        }
    }

    public SqlLimits withMaxRows(int rows) {
        return new SqlLimits(rows, timeout, memoryLimit);
    }

    public SqlLimits withTimeout(Duration newTimeout) {
        return new SqlLimits(maxRows, newTimeout, memoryLimit);
    }
}
