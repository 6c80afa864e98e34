package dev.rendezvous.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The archiver's disk, and how to make it refuse writes. Where this JVM may mount (root, as on the
 * box the suite was written on), the archive is a tmpfs of its own and "full" is real: a filler file
 * takes every free byte, so the archiver's writes fail with ENOSPC until it is deleted. Elsewhere the
 * archive is a plain directory and "full" is the closest a user can get: every directory under it
 * made read-only, so the next segment, seal or sync of a new file fails (writes to a segment already
 * open still succeed). {@link #kind()} says which ran; docs/reliability.md reports it with the figures.
 */
final class ArchiveDisk implements AutoCloseable {
    private final Path dir;
    private final boolean tmpfs;
    private Path filler;

    private ArchiveDisk(Path dir, boolean tmpfs) {
        this.dir = dir;
        this.tmpfs = tmpfs;
    }

    /** A tmpfs of {@code sizeMb} at {@code dir} when mounting works, else the plain directory. */
    static ArchiveDisk at(Path dir, int sizeMb) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // Output to a file, then a bounded wait: reading the pipe first would wait for mount however long it takes.
            Path output = Files.createTempFile("chaos-mount", ".txt");
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m,mode=0700", "chaos-archive", dir.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
            if (!mounted) {
                mount.destroyForcibly();
            }
            String said = Files.readString(output).strip();
            Files.deleteIfExists(output);
            if (mounted) {
                return new ArchiveDisk(dir, true);
            }
            System.out.println("archive disk: mounting a tmpfs failed (" + said + "); a plain directory, which root can always write");
        }
        return new ArchiveDisk(dir, false);
    }

    /** Unmounts a tmpfs a crashed earlier run left at {@code dir} (lazily; nothing when none is mounted there). */
    static void unmountLeftover(Path dir) throws IOException, InterruptedException {
        if (Files.readString(Path.of("/proc/mounts")).contains(" " + dir.toAbsolutePath() + " ")) {
            new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    Path dir() {
        return dir;
    }

    /** "tmpfs filled (ENOSPC)", "read-only directories", or null when this JVM cannot make the disk refuse writes (root without mount). */
    String kind() {
        if (tmpfs) {
            return "tmpfs filled (ENOSPC)";
        }
        return "root".equals(System.getProperty("user.name")) ? null : "read-only directories";
    }

    /** Makes the disk refuse writes; returns the bytes the filler took (tmpfs) or the directories made read-only. */
    long fill() throws IOException {
        if (tmpfs) {
            filler = dir.resolve("chaos-filler");
            byte[] block = new byte[1 << 20];
            long written = 0;
            try (OutputStream out = Files.newOutputStream(filler)) {
                for (int i = 0; i < 1 << 16; i++) {
                    out.write(block);
                    written += block.length;
                }
            } catch (IOException full) {
                // ENOSPC: the disk is full, as intended. Top it up byte-wise so no partial block of space is left.
                try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
                    for (int i = 0; i < 1 << 20; i++) {
                        out.write(0);
                        out.flush();
                        written++;
                    }
                } catch (IOException alsoFull) {
                    return written;
                }
            }
            throw new IllegalStateException("the tmpfs at " + dir + " did not fill up after " + written + " bytes");
        }
        return setWritable(false);
    }

    /** Gives the space (or the write permission) back. */
    void free() throws IOException {
        if (tmpfs) {
            Files.deleteIfExists(filler);
        } else {
            setWritable(true);
        }
    }

    private long setWritable(boolean writable) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            return tree.filter(Files::isDirectory).peek(d -> {
                try {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(writable ? "rwx------" : "r-x------"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).count();
        }
    }

    @Override
    public void close() throws Exception {
        if (tmpfs) {
            unmountLeftover(dir);
        } else {
            setWritable(true);
        }
    }
}
