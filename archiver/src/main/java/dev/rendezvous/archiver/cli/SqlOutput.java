package dev.rendezvous.archiver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archiver.sql.SqlResult;
import dev.rendezvous.protocol.JsonCodec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** How {@code archive sql} prints a result: an aligned text table, CSV (RFC 4180) or the JSON the admin API returns. */
enum SqlOutput {
    TABLE, CSV, JSON;

    static SqlOutput parse(String text) {
        return switch (text) {
            case "table" -> TABLE;
            case "csv" -> CSV;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("--format '" + text + "' is not supported; expected table, csv or json");
        };
    }

    void write(SqlResult result, PrintWriter out) throws Exception {
        switch (this) {
            case JSON -> out.println(JsonCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.toJson()));
            case CSV -> {
                out.print(csvLine(result.columns().stream().map(SqlResult.Column::name).toList()));
                for (List<Object> row : result.rows()) {
                    out.print(csvLine(row.stream().map(value -> value == null ? null : text(value)).toList()));
                }
            }
            case TABLE -> table(result, out);
        }
    }

    private static void table(SqlResult result, PrintWriter out) {
        List<String> header = result.columns().stream().map(SqlResult.Column::name).toList();
        List<List<String>> cells = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            cells.add(row.stream().map(value -> value == null ? "NULL" : text(value)).toList());
        }
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : cells) {
                widths[i] = Math.min(80, Math.max(widths[i], row.get(i).length()));
            }
        }
        out.println(tableLine(header, widths));
        StringBuilder rule = new StringBuilder();
        for (int width : widths) {
            rule.append(rule.length() == 0 ? "" : "-+-").append("-".repeat(width));
        }
        out.println(rule);
        cells.forEach(row -> out.println(tableLine(row, widths)));
        out.println("(" + result.rows().size() + (result.rows().size() == 1 ? " row" : " rows") + (result.truncated() ? ", more cut off" : "") + ")");
    }

    private static String tableLine(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i).replace('\n', ' ');
            if (cell.length() > widths[i]) {
                cell = cell.substring(0, widths[i] - 1) + "…";
            }
            line.append(i == 0 ? "" : " | ").append(cell).append(" ".repeat(widths[i] - cell.length()));
        }
        return line.toString().stripTrailing();
    }

    private static String text(Object value) {
        if (value instanceof String text) {
            return text;
        }
        JsonNode node = value instanceof JsonNode json ? json : JsonCodec.mapper().valueToTree(value);
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static String csvLine(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(i == 0 ? "" : ",");
            if (cell != null) {
                boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r");
                line.append(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
            }
        }
        return line.append("\r\n").toString();
    }
}
