package dev.rendezvous.archiver.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names and finds segment files: {@code <kind>-p<partition>-<first offset, 20 digits>.ndjson}, zero-padded
 * like Kafka's own log segments so that {@code ls} lists them in offset order. A sealed segment has two
 * sidecars with the same base name: {@code .seal.json} (its manifest entry) and {@code .idx} (its key index).
 */
public final class SegmentFiles {
    private static final Pattern ANY_SEGMENT = Pattern.compile("([a-z]+)-p(\\d+)-(\\d{1,20})\\.ndjson");
    private static final String SEGMENT_SUFFIX = ".ndjson";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

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

    /**
     * Writes {@code bytes} to {@code file} all or nothing: to a temporary file, fsync'd, renamed over
     * {@code file}, and the directory fsync'd, so a crash leaves either no file or the whole one.
     */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // a leftover of a crash may have other permissions; creation sets ours
        try (FileChannel channel = createOwnerOnly(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    /**
     * Opens a new file readable and writable by its owner only ({@code rw-------}): the archive holds
     * every request's exact input, which is often personal data. Elsewhere than on POSIX file systems,
     * the directory's default permissions apply.
     */
    public static FileChannel createOwnerOnly(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> opened = new HashSet<>(Arrays.asList(options));
        if (!isPosix(file)) {
            return FileChannel.open(file, opened);
        }
        return FileChannel.open(file, opened, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
    }

    /** Creates a new empty file readable and writable by its owner only. */
    public static Path createOwnerOnlyFile(Path file) throws IOException {
        return isPosix(file) ? Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)) : Files.createFile(file);
    }

    /** Creates one directory accessible to its owner only ({@code rwx------}). */
    public static Path createOwnerOnlyDirectory(Path dir) throws IOException {
        return isPosix(dir) ? Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)) : Files.createDirectory(dir);
    }

    private static boolean isPosix(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes every write permission (and leaves only the owner's read); a guard against accidents (root ignores it), not the seal itself. */
    public static void makeReadOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        } catch (UnsupportedOperationException e) {
            if (!file.toFile().setWritable(false, false)) {
                throw new IOException("cannot make " + file + " read-only", e);
            }
        }
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
     * power loss can forget a directory (and so every file in it) whose data was itself fsync'd. New
     * directories are owner-only ({@code rwx------}); existing ones keep their permissions.
     */
    public static void createDirectoriesDurably(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        createDirectoriesDurably(absolute.getParent());
        createOwnerOnlyDirectory(absolute);
        syncDirectory(absolute.getParent());
    }

    /** Makes a directory's entries (files created, deleted or renamed in it) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
