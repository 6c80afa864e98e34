package dev.rendezvous.archive.format.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names and finds segment files: {@code <kind>-p<partition>-<first offset, 20 digits>.ndjson}, zero-padded
 * like Kafka's own log segments so that {@code ls} lists them in offset order. A sealed segment has two
 * sidecars with the same base name: {@code .seal.json} (its manifest entry) and {@code .idx} (its key index).
 * (How the archiver writes them durably and owner-only is the archiver's {@code DurableFiles}.)
 */
public final class SegmentFiles {
    private static final Pattern ANY_SEGMENT = Pattern.compile("([a-z]+)-p(\\d+)-(\\d{1,20})\\.ndjson");
    private static final String SEGMENT_SUFFIX = ".ndjson";

    private SegmentFiles() {
    }

    /** One segment file and the offset of the first record it was opened for. */
    public record Segment(Path path, long firstOffset) {
    }

    /** What a segment's file name says: its kind, partition and first offset. */
    public record SegmentName(String kind, int partition, long firstOffset) {
    }

    /** Parses a segment file name; empty for any other file (sidecars, temporary files). */
    public static Optional<SegmentName> parse(String fileName) {
        Matcher matcher = ANY_SEGMENT.matcher(fileName);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SegmentName(matcher.group(1), Integer.parseInt(matcher.group(2)), Long.parseLong(matcher.group(3))));
    }

    /** The seal sidecar of {@code segment}: its presence is what makes the segment sealed. */
    public static Path sealPath(Path segment) {
        return sidecar(segment, ".seal.json");
    }

    /** The key index sidecar of {@code segment}, written just before its seal. */
    public static Path indexPath(Path segment) {
        return sidecar(segment, ".idx");
    }

    private static Path sidecar(Path segment, String suffix) {
        String name = segment.getFileName().toString();
        String base = name.endsWith(SEGMENT_SUFFIX) ? name.substring(0, name.length() - SEGMENT_SUFFIX.length()) : name;
        return segment.resolveSibling(base + suffix);
    }

    public static String fileName(String kind, int partition, long firstOffset) {
        return String.format("%s-p%d-%020d.ndjson", kind, partition, firstOffset);
    }

    /** The segments of one partition in {@code dir}, oldest first; none when the directory does not exist. */
    public static List<Segment> list(Path dir, String kind, int partition) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Pattern name = Pattern.compile(Pattern.quote(kind + "-p" + partition + "-") + "(\\d{1,20})\\.ndjson");
        List<Segment> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> {
                Matcher matcher = name.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    segments.add(new Segment(file, Long.parseLong(matcher.group(1))));
                }
            });
        }
        segments.sort(Comparator.comparingLong(Segment::firstOffset));
        return segments;
    }
}
