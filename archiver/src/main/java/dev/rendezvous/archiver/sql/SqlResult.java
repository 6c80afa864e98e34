package dev.rendezvous.archiver.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a query returned: its columns (name and DuckDB type) and rows, whose values are plain Java
 * ({@code String}, {@code Long}, {@code Double}, {@code BigDecimal}, {@code Boolean}, lists, maps)
 * or, for JSON columns, Jackson trees; {@code null} for SQL NULL.
 *
 * @param truncated whether the query had more rows than the limit (only {@code limit} are here)
 */
public record SqlResult(List<Column> columns, List<List<Object>> rows, boolean truncated, int limit, long elapsedMs) {
    /** One result column. */
    public record Column(String name, String type) {
    }

    public SqlResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /**
     * {@code {columns: [{name, type}], rows: [{column: value}], rowCount, truncated, limit, elapsedMs}};
     * a repeated column name gets {@code _2}, {@code _3} … in the row objects.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonCodec.mapper().createObjectNode();
        ArrayNode cols = json.putArray("columns");
        columns.forEach(column -> cols.addObject().put("name", column.name()).put("type", column.type()));
        List<String> keys = uniqueNames();
        ArrayNode out = json.putArray("rows");
        for (List<Object> row : rows) {
            ObjectNode object = out.addObject();
            for (int i = 0; i < keys.size(); i++) {
                object.set(keys.get(i), toNode(row.get(i)));
            }
        }
        json.put("rowCount", rows.size());
        json.put("truncated", truncated);
        json.put("limit", limit);
        json.put("elapsedMs", elapsedMs);
        return json;
    }

    /** The column names, a repeated one suffixed so that every name is a distinct key. */
    public List<String> uniqueNames() {
        Set<String> seen = new HashSet<>();
        return columns.stream().map(Column::name).map(name -> {
            String unique = name;
            for (int n = 2; !seen.add(unique); n++) {
                unique = name + "_" + n;
            }
            return unique;
        }).toList();
    }

    static JsonNode toNode(Object value) {
        return value instanceof JsonNode node ? node : JsonCodec.mapper().valueToTree(value);
    }
}
