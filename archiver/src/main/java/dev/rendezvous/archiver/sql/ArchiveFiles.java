package dev.rendezvous.archiver.sql;

import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The segment files of one kind that a query reads, and per partition the last offset it may see:
 * a snapshot's segments up to its cuts, or (live) every sealed and open segment, all offsets.
 *
 * @param cuts partition to last included offset; empty means no cut (every line of the files)
 * @param live whether open segments are among the files (their newest line may be half-written)
 */
record ArchiveFiles(String kind, List<Path> files, Map<Integer, Long> cuts, boolean live) {
    ArchiveFiles {
        files = List.copyOf(files);
        cuts = Map.copyOf(cuts);
    }

    static ArchiveFiles ofSnapshot(Path appDir, Snapshot snapshot, String kind) {
        List<Path> files = new ArrayList<>();
        Map<Integer, Long> cuts = new TreeMap<>();
        for (SegmentSeal seal : snapshot.segments()) {
            if (seal.kind().equals(kind)) {
                files.add(SegmentCatalog.path(appDir, seal).toAbsolutePath().normalize());
                cuts.put(seal.partition(), snapshot.cut(kind, seal.partition()).orElse(seal.lastOffset()));
            }
        }
        return new ArchiveFiles(kind, files, cuts, false);
    }

    static ArchiveFiles live(Path appDir, String kind) throws IOException {
        List<Path> files = new ArrayList<>();
        for (SegmentSeal seal : SegmentCatalog.sealed(appDir)) {
            if (seal.kind().equals(kind)) {
                files.add(SegmentCatalog.path(appDir, seal).toAbsolutePath().normalize());
            }
        }
        boolean anyOpen = false;
        for (SegmentCatalog.OpenSegment open : SegmentCatalog.open(appDir)) {
            if (open.kind().equals(kind)) {
                files.add(open.path().toAbsolutePath().normalize());
                anyOpen = true;
            }
        }
        return new ArchiveFiles(kind, files, Map.of(), anyOpen);
    }
}
