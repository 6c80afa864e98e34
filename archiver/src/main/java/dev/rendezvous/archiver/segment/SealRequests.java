package dev.rendezvous.archiver.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Asks the running archiver to seal an application's open segments, through files: a requester
 * (snapshot creation) drops {@code <app>/seal-requests/<epoch ms>-<uuid>.request}; every archiver
 * process polls the directory and seals the open segments of the partitions it owns when it sees a
 * request newer than the last it served. Files work across processes and hosts sharing the archive
 * mount, and need no port or coordination service.
 */
public final class SealRequests {
    private static final String DIR = "seal-requests";
    private static final String SUFFIX = ".request";

    private SealRequests() {
    }

    /** Files a request and returns its file, which the requester removes once served. */
    public static Path request(Path appDir, long nowMs) throws IOException {
        Path dir = appDir.resolve(DIR);
        DurableFiles.createDirectoriesDurably(dir);
        return DurableFiles.createOwnerOnlyFile(dir.resolve(nowMs + "-" + UUID.randomUUID() + SUFFIX));
    }

    /** The time of the newest pending request, or -1 when there is none. */
    public static long newestRequestMs(Path appDir) throws IOException {
        Path dir = appDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX) && name.indexOf('-') > 0)
                    .mapToLong(name -> parseMs(name.substring(0, name.indexOf('-'))))
                    .max()
                    .orElse(-1);
        }
    }

    private static long parseMs(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
