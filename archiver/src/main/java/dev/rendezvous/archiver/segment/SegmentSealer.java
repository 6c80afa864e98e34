package dev.rendezvous.archiver.segment;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archive.format.segment.SegmentFiles;
import dev.rendezvous.archive.format.segment.SegmentIndex;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.segment.SegmentSeals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Seals a complete, fsync'd segment: re-reads it to hash it and count its records, writes its key
 * index and then its seal (the commit point: a segment is sealed once its {@code .seal.json} exists),
 * and makes all three files read-only. Every step is idempotent, so a seal interrupted by a crash is
 * simply done again. Reading seals back is {@link SegmentSeals}, in archive-format.
 */
public final class SegmentSealer {

    private SegmentSealer() {
    }

    /** Seals {@code segment}, whose lines must all be complete; returns the seal written. */
    public static SegmentSeal seal(Path segment, long sealedAtMs) throws IOException {
        SegmentFiles.SegmentName name = SegmentFiles.parse(segment.getFileName().toString())
                .orElseThrow(() -> new IllegalArgumentException(segment + " is not a segment file name"));
        Stats stats = new Stats();
        SegmentIndex.Builder index = new SegmentIndex.Builder();
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(segment), digest)) {
            SegmentLines.read(in, (position, line, length) -> {
                ArchivedLine parsed = ArchivedLine.parse(line, length);
                stats.add(parsed, position + length + 1);
                if (parsed.key() != null) {
                    index.add(parsed.key(), position);
                }
                return true;
            });
        } catch (IllegalArgumentException e) {
            throw new IOException(segment + " cannot be sealed: line " + (stats.records + 1) + " is not an archive line (" + e.getMessage() + ")", e);
        }
        long size = Files.size(segment);
        if (stats.records == 0 || stats.endOfLastLine != size) {
            throw new IOException(segment + " cannot be sealed: " + stats.records + " complete lines end at byte " + stats.endOfLastLine + " of " + size);
        }
        SegmentSeal seal = new SegmentSeal(segment.getFileName().toString(), name.kind(), name.partition(),
                HexFormat.of().formatHex(digest.digest()), size, stats.records, stats.firstOffset, stats.lastOffset,
                stats.minTimestamp, stats.maxTimestamp, sealedAtMs);
        DurableFiles.writeAtomically(SegmentFiles.indexPath(segment), index.toBytes());
        DurableFiles.writeAtomically(SegmentFiles.sealPath(segment), ManifestJson.canonical(seal));
        makeReadOnly(segment);
        return seal;
    }

    /** Finishes a seal a crash may have interrupted after its commit point. */
    static void makeReadOnly(Path segment) throws IOException {
        DurableFiles.makeReadOnly(segment);
        DurableFiles.makeReadOnly(SegmentFiles.indexPath(segment));
        DurableFiles.makeReadOnly(SegmentFiles.sealPath(segment));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Running counts over the lines of one segment. */
    private static final class Stats {
        long records;
        long firstOffset = -1;
        long lastOffset = -1;
        long minTimestamp = Long.MAX_VALUE;
        long maxTimestamp = Long.MIN_VALUE;
        long endOfLastLine;

        void add(ArchivedLine line, long endOfLine) {
            if (records == 0) {
                firstOffset = line.offset();
            }
            records++;
            lastOffset = line.offset();
            minTimestamp = Math.min(minTimestamp, line.timestamp());
            maxTimestamp = Math.max(maxTimestamp, line.timestamp());
            endOfLastLine = endOfLine;
        }
    }
}
