package dev.rendezvous.archive.format.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Reads the seal of a segment ({@code <base>.seal.json}, see {@link SegmentFiles#sealPath}) and
 * re-hashes segment files the way a seal records them: the reading half of the archiver's
 * {@code SegmentSealer}, for every reader that checks a segment against its seal.
 */
public final class SegmentSeals {

    private SegmentSeals() {
    }

    /** The seal of {@code segment}; empty while the segment is open. */
    public static Optional<SegmentSeal> readSeal(Path segment) throws IOException {
        Path sealFile = SegmentFiles.sealPath(segment);
        if (!Files.exists(sealFile)) {
            return Optional.empty();
        }
        return Optional.of(ManifestJson.read(sealFile, SegmentSeal.class));
    }

    public static boolean isSealed(Path segment) {
        return Files.exists(SegmentFiles.sealPath(segment));
    }

    /** Lower-case hex SHA-256 of a whole file, streamed. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
