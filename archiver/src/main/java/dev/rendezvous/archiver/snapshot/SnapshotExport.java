package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.segment.SegmentSeals;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archiver.segment.DurableFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Materialises a snapshot's decoy inputs as a training-data set: {@code inputs.ndjson}, the exact
 * request bytes one per line in partition and offset order, or {@code inputs.parquet}
 * ({@link ParquetRows}); then {@code export.json} ({@link ExportManifest}), written last so that its
 * presence means the export is complete. Every segment is re-hashed while read and every value
 * checked against its own hash; any mismatch fails the export.
 */
final class SnapshotExport {
    static final String MANIFEST_FILE = "export.json";
    private static final int MAX_SKIPPED_LISTED = 1000;

    /** Where verified inputs go, one at a time, in partition and offset order. */
    interface Rows extends AutoCloseable {
        void add(ArchivedLine line, byte[] value) throws IOException;

        @Override
        void close() throws IOException;
    }

    private SnapshotExport() {
    }

    static ExportManifest write(Path appDir, String id, Snapshot snapshot, Path outDir, ExportFormat format, long nowMs) throws IOException {
        requireEmpty(outDir);
        DurableFiles.createDirectoriesDurably(outDir);
        Path data = outDir.resolve(format.fileName());
        Counts counts = new Counts();
        List<ExportManifest.Source> sources;
        if (format == ExportFormat.NDJSON) {
            MessageDigest dataDigest = sha256();
            try (NdjsonRows rows = new NdjsonRows(data, dataDigest)) {
                sources = copyInputs(appDir, snapshot, rows, counts);
            }
            return finish(outDir, id, snapshot, format, HexFormat.of().formatHex(dataDigest.digest()), counts, sources, nowMs);
        }
        try (ParquetRows rows = new ParquetRows()) {
            sources = copyInputs(appDir, snapshot, rows, counts);
            rows.writeTo(data);
        }
        return finish(outDir, id, snapshot, format, SegmentSeals.sha256(data), counts, sources, nowMs);
    }

    private static ExportManifest finish(Path outDir, String id, Snapshot snapshot, ExportFormat format, String sha256, Counts counts,
                                         List<ExportManifest.Source> sources, long nowMs) throws IOException {
        ExportManifest manifest = new ExportManifest(id, snapshot.app(), format.wireName(), format.fileName(), sha256,
                counts.rows, counts.skippedRows, counts.skipped, sources, nowMs);
        DurableFiles.writeAtomically(outDir.resolve(MANIFEST_FILE), ManifestJson.canonical(manifest));
        return manifest;
    }

    private static List<ExportManifest.Source> copyInputs(Path appDir, Snapshot snapshot, Rows rows, Counts counts) throws IOException {
        List<SegmentSeal> decoy = snapshot.segments().stream().filter(seal -> seal.kind().equals("decoy"))
                .sorted(Comparator.comparingInt(SegmentSeal::partition).thenComparingLong(SegmentSeal::firstOffset)).toList();
        List<ExportManifest.Source> sources = new ArrayList<>();
        for (SegmentSeal seal : decoy) {
            long cut = snapshot.cut(seal.kind(), seal.partition()).orElse(seal.lastOffset());
            copyInputs(SegmentCatalog.path(appDir, seal), seal, cut, rows, counts);
            sources.add(new ExportManifest.Source(seal.relativePath(), seal.sha256(), Math.min(cut, seal.lastOffset())));
        }
        return sources;
    }

    private static void copyInputs(Path segment, SegmentSeal seal, long cut, Rows rows, Counts counts) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(segment), digest)) {
            // The whole file is read, also past the cut, to check its hash.
            SegmentLines.read(in, (position, line, length) -> {
                byte[] bytes = Arrays.copyOf(line, length);
                ArchivedLine parsed = ArchivedLine.parse(bytes);
                if (parsed.offset() <= cut) {
                    copyInput(seal, bytes, parsed, rows, counts);
                }
                return true;
            });
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(seal.sha256())) {
            throw new IOException(seal.relativePath() + " has sha256 " + actual + " but its seal says " + seal.sha256() + "; export aborted");
        }
    }

    private static void copyInput(SegmentSeal seal, byte[] line, ArchivedLine parsed, Rows rows, Counts counts) throws IOException {
        byte[] value = ArchivedLine.value(line);
        String coordinates = parsed.topic() + "-" + parsed.partition() + "@" + parsed.offset();
        if (value != null && !LineEncoder.sha256(value).equals(parsed.sha256())) {
            throw new IOException(seal.relativePath() + ": the value of " + coordinates + " does not match its sha256; export aborted");
        }
        if (value == null || !LineEncoder.isVerbatimJson(value)) {
            counts.skippedRows++;
            if (counts.skipped.size() < MAX_SKIPPED_LISTED) {
                counts.skipped.add(coordinates);
            }
            return;
        }
        rows.add(parsed, value);
        counts.rows++;
    }

    private static void requireEmpty(Path outDir) throws IOException {
        if (Files.isDirectory(outDir)) {
            try (Stream<Path> files = Files.list(outDir)) {
                if (files.findAny().isPresent()) {
                    throw new IOException("export directory " + outDir + " is not empty; exports are never overwritten");
                }
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The exact value bytes, one per line, hashed as written. */
    private static final class NdjsonRows implements Rows {
        private final OutputStream out;

        NdjsonRows(Path data, MessageDigest digest) throws IOException {
            out = new DigestOutputStream(new BufferedOutputStream(Channels.newOutputStream(DurableFiles.createOwnerOnly(data,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)), 1 << 16), digest);
        }

        @Override
        public void add(ArchivedLine line, byte[] value) throws IOException {
            out.write(value);
            out.write('\n');
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Running totals of one export. */
    private static final class Counts {
        long rows;
        long skippedRows;
        final List<String> skipped = new ArrayList<>();
    }
}
