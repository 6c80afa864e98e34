package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archiver.segment.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Stable names for content-addressed snapshots: {@code <app>/snapshots/names/<name>} is a one-line
 * file holding the id, like a Git ref. The id stays the proof (the SHA-256 of the manifest); the name
 * is how people and schedules find it ({@code scheduled-2026-12-04T19-00-00Z}). Names are written
 * once and never repointed; expiring the snapshot removes them.
 */
final class SnapshotNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;

    SnapshotNames(Path snapshotsDir) {
        this.dir = snapshotsDir.resolve("names");
    }

    static boolean isName(String text) {
        return text != null && NAME.matcher(text).matches() && !ID.matcher(text).matches();
    }

    /** Points {@code name} at {@code id}; refuses to repoint an existing name at another id. */
    void write(String name, String id) throws IOException {
        if (!isName(name)) {
            throw new IllegalArgumentException("snapshot name '" + name + "'; expected 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        Optional<String> existing = resolve(name);
        if (existing.isPresent()) {
            if (!existing.get().equals(id)) {
                throw new IllegalArgumentException("snapshot name '" + name + "' already names snapshot " + existing.get());
            }
            return;
        }
        DurableFiles.createDirectoriesDurably(dir);
        DurableFiles.writeAtomically(dir.resolve(name), (id + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    Optional<String> resolve(String name) throws IOException {
        if (!isName(name)) {
            return Optional.empty();
        }
        try {
            String id = Files.readString(dir.resolve(name), StandardCharsets.US_ASCII).trim();
            return ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Every name with the id it points at, sorted by name. */
    Map<String, String> all() throws IOException {
        Map<String, String> names = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                resolve(name).ifPresent(id -> names.put(name, id));
            }
        }
        return names;
    }

    void delete(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
    }
}
