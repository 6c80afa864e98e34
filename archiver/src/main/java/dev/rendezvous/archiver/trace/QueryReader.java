package dev.rendezvous.archiver.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams the archive lines matching a {@link Query} as NDJSON: sealed segments first, by partition and
 * offset, then the open ones.
 * Sealed segments whose time range (from their seal) misses the window are skipped unread; open
 * segments are always scanned.
 */
public final class QueryReader {
    private final Path archiveDir;

    public QueryReader(Path archiveDir) {
        this.archiveDir = archiveDir;
    }

    /** Writes each matching archive line, newline-terminated, to {@code out}; returns how many. */
    public long query(Query query, OutputStream out) throws IOException {
        ArchiveNames.requireApp(query.app());
        Path appDir = archiveDir.resolve(query.app());
        List<Path> segments = new ArrayList<>();
        for (SegmentSeal seal : SegmentCatalog.sealed(appDir)) {
            if (seal.kind().equals(query.kind()) && seal.overlaps(query.fromMs(), query.toMs())) {
                segments.add(SegmentCatalog.path(appDir, seal));
            }
        }
        for (SegmentCatalog.OpenSegment segment : SegmentCatalog.open(appDir)) {
            if (segment.kind().equals(query.kind())) {
                segments.add(segment.path());
            }
        }
        long[] matched = {0};
        for (Path segment : segments) {
            try {
                SegmentLines.read(segment, (position, line, length) -> {
                    if (matches(query, line, length)) {
                        out.write(line, 0, length);
                        out.write('\n');
                        matched[0]++;
                    }
                    return true;
                });
            } catch (NoSuchFileException e) {
                // Deleted by retention since we listed it.
            }
        }
        out.flush();
        return matched[0];
    }

    private static boolean matches(Query query, byte[] line, int length) {
        ArchivedLine parsed = ArchivedLine.parse(line, length);
        if (parsed.timestamp() < query.fromMs() || parsed.timestamp() >= query.toMs()) {
            return false;
        }
        if (!query.filtersValues()) {
            return true;
        }
        byte[] value = ArchivedLine.value(Arrays.copyOf(line, length));
        JsonNode node;
        try {
            node = value == null ? null : JsonCodec.mapper().readTree(value);
        } catch (IOException e) {
            return false;
        }
        return node != null
                && (query.model() == null || query.model().equals(node.path("model").asText(null)))
                && (query.reason() == null || query.reason().equals(node.path("reason").asText(null)));
    }
}
