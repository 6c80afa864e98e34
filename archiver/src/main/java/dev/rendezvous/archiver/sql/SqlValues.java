package dev.rendezvous.archiver.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.rendezvous.protocol.JsonCodec;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Struct;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.LocalDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns DuckDB's JDBC values into plain Java values that Jackson writes as JSON. */
final class SqlValues {
    private SqlValues() {
    }

    static Object read(ResultSet rows, int column, String type) throws SQLException {
        if (type.equals("JSON")) {
            String text = rows.getString(column);
            if (text == null) {
                return null;
            }
            try {
                return JsonCodec.mapper().readTree(text);
            } catch (JsonProcessingException e) {
                return text;
            }
        }
        return plain(rows.getObject(column));
    }

    static Object plain(Object value) throws SQLException {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant().toString();
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().toString();
        }
        if (value instanceof LocalDateTime || value instanceof TemporalAccessor) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Array array) {
            List<Object> list = new ArrayList<>();
            for (Object element : (Object[]) array.getArray()) {
                list.add(plain(element));
            }
            return list;
        }
        if (value instanceof org.duckdb.DuckDBStruct struct) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : struct.getMap().entrySet()) {
                map.put(entry.getKey(), plain(entry.getValue()));
            }
            return map;
        }
        if (value instanceof Struct struct) {
            List<Object> list = new ArrayList<>();
            for (Object element : struct.getAttributes()) {
                list.add(plain(element));
            }
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                copy.put(String.valueOf(entry.getKey()), plain(entry.getValue()));
            }
            return copy;
        }
        return value.toString();
    }
}
