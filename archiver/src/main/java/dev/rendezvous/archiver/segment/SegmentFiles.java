package dev.rendezvous.archiver.segment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names and finds segment files: {@code <kind>-p<partition>-<first offset, 20 digits>.ndjson}, zero-padded
 * like Kafka's own log segments so that {@code ls} lists them in offset order.
 */
public final class SegmentFiles {
    private SegmentFiles() {
    }

    /** One segment file and the offset of the first record it was opened for. */
    public record Segment(Path path, long firstOffset) {
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

    /**
     * Creates {@code dir} and any missing parents, fsyncing each new directory's parent: without it, a
     * power loss can forget a directory (and so every file in it) whose data was itself fsync'd.
     */
    public static void createDirectoriesDurably(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        createDirectoriesDurably(absolute.getParent());
        Files.createDirectory(absolute);
        syncDirectory(absolute.getParent());
    }

    /** Makes a directory's entries (files created, deleted or renamed in it) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
