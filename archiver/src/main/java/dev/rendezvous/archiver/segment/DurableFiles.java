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
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * How the archiver writes its files: all or nothing (temporary file, fsync, rename, fsync of the
 * directory), directories made durable, and owner-only permissions, because the archive holds every
 * request's exact input. (The archive's file names and layout are {@code SegmentFiles} in archive-format.)
 */
public final class DurableFiles {
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private DurableFiles() {
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
