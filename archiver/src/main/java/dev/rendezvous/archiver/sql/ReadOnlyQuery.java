package dev.rendezvous.archiver.sql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Refuses anything but exactly one SELECT (or WITH … SELECT) statement, using DuckDB's own parser:
 * {@code json_serialize_sql} serialises only SELECT statements and lists each statement it parsed,
 * so a second statement after a semicolon, a COPY, CREATE, ATTACH, INSTALL, SET or PRAGMA, and text
 * that does not parse are all caught before anything runs. (The database's locked configuration is
 * the second line of defence: it has no file access beyond the archive's segments.)
 */
final class ReadOnlyQuery {
    private ReadOnlyQuery() {
    }

    static void check(Connection connection, String sql) throws SQLException, IOException {
        JsonNode parsed;
        try (PreparedStatement statement = connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            statement.setString(1, sql);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                parsed = JsonCodec.mapper().readTree(result.getString(1));
            }
        }
        if (parsed.path("error").asBoolean()) {
            String type = parsed.path("error_type").asText();
            String message = parsed.path("error_message").asText();
            // Any other error type is DuckDB saying "not a SELECT" (its message is about JSON serialisation, not the query).
            if (type.equals("parser")) {
                String at = parsed.hasNonNull("position") ? " at character " + parsed.path("position").asText() : "";
                throw new SqlRefusedException("the SQL does not parse" + at + ": " + message, false);
            }
            throw new SqlRefusedException("only one read-only SELECT query (or WITH … SELECT) may run over the archive; "
                    + "statements such as COPY, INSERT, CREATE, ATTACH, INSTALL, LOAD, SET and PRAGMA are refused", false);
        }
        int statements = parsed.path("statements").size();
        if (statements != 1) {
            throw new SqlRefusedException("expected exactly one SELECT statement, found " + statements
                    + "; run one query at a time (no ';'-separated statements)", false);
        }
    }
}
