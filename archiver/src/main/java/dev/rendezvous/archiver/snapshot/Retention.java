package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentFiles;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archiver.segment.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes an application's old sealed segments under a {@link RetentionPolicy}, oldest first, but never
 * one a snapshot references, never an open one, and never the two newest segments of a partition: the
 * writer reads those back on start to know what is archived already (offsets and decoy repeats).
 */
public final class Retention {
    private static final int KEPT_PER_PARTITION = 2;

    private final Path archiveDir;
    private final SnapshotStore snapshots;

    public Retention(Path archiveDir) {
        this.archiveDir = archiveDir;
        this.snapshots = new SnapshotStore(archiveDir);
    }

    /** Applies {@code policy} to {@code app} as of {@code nowMs}; with {@code dryRun} only reports. */
    public RetentionReport apply(String app, RetentionPolicy policy, long nowMs, boolean dryRun) throws IOException {
        ArchiveNames.requireApp(app);
        Path appDir = archiveDir.resolve(app);
        try (AppLock lock = AppLock.acquire(snapshots.snapshotsDir(app))) {
            Set<String> referenced = snapshots.referencedSegments(app);
            List<SegmentSeal> sealed = SegmentCatalog.sealed(appDir);
            List<SegmentCatalog.OpenSegment> open = SegmentCatalog.open(appDir);
            Set<String> newest = newestPerPartition(sealed, open);
            long total = sealed.stream().mapToLong(SegmentSeal::bytes).sum() + openBytes(open);
            List<String> deleted = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            long freed = 0;
            List<SegmentSeal> oldestFirst = sealed.stream()
                    .sorted(Comparator.comparingLong(SegmentSeal::maxTimestamp).thenComparing(SegmentSeal::relativePath)).toList();
            for (SegmentSeal seal : oldestFirst) {
                boolean expired = policy.maxAge() != null && seal.maxTimestamp() < nowMs - policy.maxAge().toMillis();
                boolean oversize = policy.maxBytes() > 0 && total - freed > policy.maxBytes();
                if ((!expired && !oversize) || newest.contains(seal.relativePath())) {
                    continue;
                }
                if (referenced.contains(seal.relativePath())) {
                    kept.add(seal.relativePath());
                    continue;
                }
                if (!dryRun) {
                    delete(SegmentCatalog.path(appDir, seal));
                }
                deleted.add(seal.relativePath());
                freed += seal.bytes();
            }
            return new RetentionReport(app, dryRun, deleted, freed, kept);
        }
    }

    /** The segment first, its sidecars after: a seal without its segment is invisible to readers, a segment without its seal is not. */
    private static void delete(Path segment) throws IOException {
        Files.deleteIfExists(segment);
        Files.deleteIfExists(SegmentFiles.indexPath(segment));
        Files.deleteIfExists(SegmentFiles.sealPath(segment));
        DurableFiles.syncDirectory(segment.getParent());
    }

    /** A segment, sealed or open, placed in its topic-partition. */
    private record Placed(String partition, long firstOffset, String path) {
    }

    private static Set<String> newestPerPartition(List<SegmentSeal> sealed, List<SegmentCatalog.OpenSegment> open) {
        List<Placed> all = new ArrayList<>();
        sealed.forEach(seal -> all.add(new Placed(seal.kind() + "-" + seal.partition(), seal.firstOffset(), seal.relativePath())));
        open.forEach(segment -> all.add(new Placed(segment.kind() + "-" + segment.partition(), segment.firstOffset(),
                segment.kind() + "/" + segment.path().getFileName())));
        Map<String, List<Placed>> byPartition = new HashMap<>();
        all.forEach(placed -> byPartition.computeIfAbsent(placed.partition(), k -> new ArrayList<>()).add(placed));
        Set<String> newest = new HashSet<>();
        for (List<Placed> segments : byPartition.values()) {
            segments.sort(Comparator.comparingLong(Placed::firstOffset));
            segments.subList(Math.max(0, segments.size() - KEPT_PER_PARTITION), segments.size()).forEach(p -> newest.add(p.path()));
        }
        return newest;
    }

    private static long openBytes(List<SegmentCatalog.OpenSegment> open) throws IOException {
        long bytes = 0;
        for (SegmentCatalog.OpenSegment segment : open) {
            if (Files.exists(segment.path())) {
                bytes += Files.size(segment.path());
            }
        }
        return bytes;
    }
}
