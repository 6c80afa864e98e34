package dev.rendezvous.archive.format.segment;

import dev.rendezvous.protocol.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The segments of one application as readers see them: the sealed ones (with their seals, which
 * together form the application's segment manifest) and the open ones, one per topic-partition.
 */
public final class SegmentCatalog {
    private static final Comparator<SegmentFiles.SegmentName> ORDER = Comparator.comparing(SegmentFiles.SegmentName::kind)
            .thenComparingInt(SegmentFiles.SegmentName::partition)
            .thenComparingLong(SegmentFiles.SegmentName::firstOffset);

    private SegmentCatalog() {
    }

    /** A segment not sealed yet: still being appended to, readable up to its last complete line. */
    public record OpenSegment(Path path, String kind, int partition, long firstOffset) {
    }

    /** Every sealed segment of the application, by kind, partition and offset. */
    public static List<SegmentSeal> sealed(Path appDir) throws IOException {
        List<SegmentSeal> seals = new ArrayList<>();
        for (Path segment : segments(appDir)) {
            try {
                SegmentSeals.readSeal(segment).ifPresent(seals::add);
            } catch (NoSuchFileException e) {
                // Removed by retention while we listed.
            }
        }
        return seals;
    }

    /** Every open segment of the application, by kind, partition and offset. */
    public static List<OpenSegment> open(Path appDir) throws IOException {
        List<OpenSegment> open = new ArrayList<>();
        for (Path segment : segments(appDir)) {
            if (!SegmentSeals.isSealed(segment)) {
                SegmentFiles.SegmentName name = SegmentFiles.parse(segment.getFileName().toString()).orElseThrow();
                open.add(new OpenSegment(segment, name.kind(), name.partition(), name.firstOffset()));
            }
        }
        return open;
    }

    /** Where the segment a seal describes lives. */
    public static Path path(Path appDir, SegmentSeal seal) {
        return appDir.resolve(seal.kind()).resolve(seal.file());
    }

    /** The applications that have a directory in the archive (not the control plane's, whose name is no app's). */
    public static List<String> apps(Path archiveDir) throws IOException {
        if (!Files.isDirectory(archiveDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(archiveDir)) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).filter(TopicNames::isLegalApp).sorted().toList();
        }
    }

    private static List<Path> segments(Path appDir) throws IOException {
        if (!Files.isDirectory(appDir)) {
            return List.of();
        }
        List<Path> kindDirs;
        try (Stream<Path> dirs = Files.list(appDir)) {
            kindDirs = dirs.filter(Files::isDirectory).toList();
        }
        List<Path> segments = new ArrayList<>();
        for (Path kindDir : kindDirs) {
            try (Stream<Path> files = Files.list(kindDir)) {
                files.filter(file -> name(file).isPresent()).forEach(segments::add);
            }
        }
        segments.sort(Comparator.comparing(file -> name(file).orElseThrow(), ORDER));
        return segments;
    }

    private static Optional<SegmentFiles.SegmentName> name(Path file) {
        return SegmentFiles.parse(file.getFileName().toString());
    }
}
