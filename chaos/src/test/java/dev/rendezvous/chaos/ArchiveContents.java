package dev.rendezvous.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What one app's archive holds, read straight from its NDJSON segments as {@code jq} would: each
 * archived record's Kafka coordinates, and for the decoy's copies of requests, the request id and a
 * hash of its input features.
 */
final class ArchiveContents {
    /** Each archived Kafka record ({@code topic/partition@offset}) and how many lines hold it. */
    final Map<String, Integer> linesByRecord = new HashMap<>();
    /** The input hashes archived per request id (decoy segments): exactly one per request when all is well. */
    final Map<String, List<String>> inputsById = new HashMap<>();
    /** Lines that did not parse, with where; only the last line of an open segment may legitimately be torn. */
    final List<String> unparseable = new ArrayList<>();
    int lines;

    static ArchiveContents read(Path appDir) throws IOException {
        ArchiveContents contents = new ArchiveContents();
        for (String kind : List.of("decoy", "scores", "results")) {
            Path kindDir = appDir.resolve(kind);
            if (!Files.isDirectory(kindDir)) {
                continue;
            }
            List<Path> segments;
            try (Stream<Path> files = Files.list(kindDir)) {
                segments = files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).sorted().toList();
            }
            for (Path segment : segments) {
                contents.readSegment(kind, segment);
            }
        }
        return contents;
    }

    private void readSegment(String kind, Path segment) throws IOException {
        List<String> text = Files.readAllLines(segment, StandardCharsets.UTF_8);
        for (int i = 0; i < text.size(); i++) {
            JsonNode line;
            try {
                line = JsonCodec.mapper().readTree(text.get(i));
            } catch (IOException e) {
                unparseable.add(segment.getFileName() + " line " + (i + 1) + " of " + text.size());
                continue;
            }
            lines++;
            linesByRecord.merge(line.path("topic").asText() + "/" + line.path("partition").asInt() + "@" + line.path("offset").asLong(), 1, Integer::sum);
            if (kind.equals("decoy")) {
                JsonNode value = line.path("value");
                inputsById.computeIfAbsent(line.path("key").asText(), k -> new ArrayList<>()).add(inputHash(value.path("features")));
            }
        }
    }

    /** SHA-256 of the features in name order, each value as a double: equal for equal inputs however the JSON spelt the numbers. */
    static String inputHash(JsonNode features) {
        Map<String, Double> sorted = new TreeMap<>();
        features.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue().asDouble()));
        return sha256(sorted.toString());
    }

    static String inputHash(Map<String, Number> features) {
        Map<String, Double> sorted = new TreeMap<>();
        features.forEach((k, v) -> sorted.put(k, v.doubleValue()));
        return sha256(sorted.toString());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records archived on more than one line. */
    List<String> duplicateRecords() {
        return linesByRecord.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " ×" + e.getValue()).sorted().toList();
    }
}
