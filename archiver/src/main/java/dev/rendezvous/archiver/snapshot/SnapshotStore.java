package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.segment.SegmentSeals;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archive.format.snapshot.SnapshotReader;
import dev.rendezvous.archive.format.snapshot.SnapshotSummary;
import dev.rendezvous.archive.format.snapshot.VerifyReport;
import dev.rendezvous.archiver.segment.DurableFiles;
import dev.rendezvous.archiver.segment.SealRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, lists, shows and verifies snapshots: immutable, content-addressed manifests that reference
 * sealed segments by name and hash, so that no data is copied. Creation first asks the running
 * archiver to seal the open segments (see {@link SealRequests}) and waits for it a bounded time;
 * whatever is still open after that is left out (and reported), never read half-written. Listing,
 * showing and verifying are {@link SnapshotReader}'s (archive-format), which replay uses on its own.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    private final Path archiveDir;
    private final LongSupplier clockMs;
    private final SnapshotReader reader;

    public SnapshotStore(Path archiveDir) {
        this(archiveDir, System::currentTimeMillis);
    }

    SnapshotStore(Path archiveDir, LongSupplier clockMs) {
        this.archiveDir = archiveDir;
        this.clockMs = clockMs;
        this.reader = new SnapshotReader(archiveDir);
    }

    /**
     * What creation produced.
     *
     * @param openSegmentsLeftOut segments still open after the seal wait, hence not in the snapshot
     */
    public record Created(String id, Snapshot snapshot, int openSegmentsLeftOut) {
    }

    /**
     * Creates a snapshot of {@code app}'s sealed segments, after asking the archiver to seal the open ones.
     *
     * @param untilMs     cut off records with a later timestamp; null for everything sealed
     * @param label       free text, may be null
     * @param sealTimeout how long to wait for the archiver to seal; zero to snapshot only what is sealed already
     */
    public Created create(String app, Long untilMs, String label, Duration sealTimeout) throws IOException, InterruptedException {
        return create(app, untilMs, label, sealTimeout, null);
    }

    /**
     * As {@link #create(String, Long, String, Duration)}, and points the stable {@code name} at it
     * ({@code snapshots/names/<name>}) under the same lock; null for no name.
     */
    public Created create(String app, Long untilMs, String label, Duration sealTimeout, String name) throws IOException, InterruptedException {
        Path appDir = appDir(app);
        if (name != null && !SnapshotNames.isName(name)) {
            throw new IllegalArgumentException("snapshot name '" + name + "'; expected 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        int leftOut = awaitSeal(appDir, sealTimeout);
        long now = clockMs.getAsLong();
        try (AppLock lock = AppLock.acquire(snapshotsDir(app))) {
            List<SegmentSeal> sealed = SegmentCatalog.sealed(appDir);
            Snapshot snapshot = cut(appDir, app, now, untilMs == null ? now : untilMs, label, sealed);
            byte[] manifest = ManifestJson.canonical(snapshot);
            String id = LineEncoder.sha256(manifest);
            Path file = snapshotsDir(app).resolve(id + ".json");
            if (!Files.exists(file)) {
                DurableFiles.writeAtomically(file, manifest);
                DurableFiles.makeReadOnly(file);
            }
            if (name != null) {
                new SnapshotNames(snapshotsDir(app)).write(name, id);
            }
            LOG.info("snapshot {} of {}: {} segments, {} left open", id, app, snapshot.segments().size(), leftOut);
            return new Created(id, snapshot, leftOut);
        }
    }

    /** Every snapshot of {@code app}, oldest first. */
    public List<SnapshotSummary> list(String app) throws IOException {
        return reader.list(app);
    }

    /** The snapshot with {@code id}, looked for in {@code app} or, when null, in every application. */
    public Snapshot show(String app, String id) throws IOException {
        return reader.show(app, id);
    }

    /** Re-hashes the manifest and every segment it references. */
    public VerifyReport verify(String app, String id) throws IOException {
        return reader.verify(app, id);
    }

    /** Writes the snapshot's decoy inputs to {@code outDir} as NDJSON (see {@link SnapshotExport}). */
    public ExportManifest export(String app, String id, Path outDir) throws IOException {
        return export(app, id, outDir, ExportFormat.NDJSON);
    }

    /** Writes the snapshot's decoy inputs to {@code outDir} in {@code format} (see {@link SnapshotExport}). */
    public ExportManifest export(String app, String id, Path outDir, ExportFormat format) throws IOException {
        Snapshot snapshot = show(app, id);
        return SnapshotExport.write(appDir(snapshot.app()), id, snapshot, outDir, format, clockMs.getAsLong());
    }

    /** The relative paths of every segment some snapshot of {@code app} references: retention keeps them. */
    public Set<String> referencedSegments(String app) throws IOException {
        Set<String> referenced = new HashSet<>();
        for (SnapshotSummary summary : list(app)) {
            show(app, summary.id()).segments().forEach(seal -> referenced.add(seal.relativePath()));
        }
        return referenced;
    }

    /** The segments every snapshot of {@code app} but {@code id} references. */
    Set<String> referencedSegmentsExcept(String app, String id) throws IOException {
        Set<String> referenced = new HashSet<>();
        for (SnapshotSummary summary : list(app)) {
            if (!summary.id().equals(id)) {
                show(app, summary.id()).segments().forEach(seal -> referenced.add(seal.relativePath()));
            }
        }
        return referenced;
    }

    /**
     * The id of {@code idOrName} in {@code app}: an id as is, once its manifest exists, or the id a
     * stable name ({@code snapshots/names/<name>}) points at.
     *
     * @throws NoSuchFileException naming the app when there is no such snapshot or name
     */
    public String resolve(String app, String idOrName) throws IOException {
        ArchiveNames.requireApp(app);
        if (SnapshotReader.isId(idOrName)) {
            reader.manifestPath(app, idOrName);
            return idOrName;
        }
        if (!SnapshotNames.isName(idOrName)) {
            throw new IllegalArgumentException("snapshot '" + idOrName + "' is neither an id (64 lower-case hex digits) nor a snapshot name");
        }
        String id = new SnapshotNames(snapshotsDir(app)).resolve(idOrName)
                .orElseThrow(() -> new NoSuchFileException("no snapshot named '" + idOrName + "' in " + app + " (" + snapshotsDir(app).resolve("names") + ")"));
        reader.manifestPath(app, id);
        return id;
    }

    /** Every stable name of {@code app}'s snapshots with the id it points at. */
    public Map<String, String> names(String app) throws IOException {
        ArchiveNames.requireApp(app);
        return new SnapshotNames(snapshotsDir(app)).all();
    }

    /** The application that holds snapshot {@code id}. */
    public String appOf(String id) throws IOException {
        return reader.appOf(id);
    }

    Path snapshotsDir(String app) {
        return reader.snapshotsDir(app);
    }

    private Path appDir(String app) {
        ArchiveNames.requireApp(app);
        return archiveDir.resolve(app);
    }

    /** Files a seal request when anything is open and waits until each segment open then is sealed (or gone). */
    private int awaitSeal(Path appDir, Duration timeout) throws IOException, InterruptedException {
        List<SegmentCatalog.OpenSegment> open = SegmentCatalog.open(appDir);
        if (open.isEmpty() || timeout.isZero()) {
            return open.size();
        }
        Path request = SealRequests.request(appDir, clockMs.getAsLong());
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                int stillOpen = (int) open.stream()
                        .filter(segment -> Files.exists(segment.path()) && !SegmentSeals.isSealed(segment.path())).count();
                if (stillOpen == 0 || System.nanoTime() > deadline) {
                    if (stillOpen > 0) {
                        LOG.warn("snapshot of {}: {} open segments were not sealed within {} (is the archiver running?); they are left out",
                                appDir.getFileName(), stillOpen, timeout);
                    }
                    return stillOpen;
                }
                // Polling files: the archiver checks its requests once a second, so 50 ms costs nothing.
                Thread.sleep(50);
            }
        } finally {
            Files.deleteIfExists(request);
        }
    }

    /** The segments with a record at or before {@code untilMs}, and per partition the last offset at or before it. */
    private static Snapshot cut(Path appDir, String app, long nowMs, long untilMs, String label, List<SegmentSeal> sealed) throws IOException {
        List<SegmentSeal> included = new ArrayList<>();
        Map<String, Snapshot.Cut> cuts = new LinkedHashMap<>();
        for (SegmentSeal seal : sealed) {
            if (seal.minTimestamp() > untilMs) {
                continue;
            }
            long last = seal.maxTimestamp() <= untilMs ? seal.lastOffset() : lastOffsetUntil(SegmentCatalog.path(appDir, seal), untilMs);
            included.add(seal);
            String key = seal.kind() + "-" + seal.partition();
            Snapshot.Cut previous = cuts.get(key);
            if (previous == null || previous.offset() < last) {
                cuts.put(key, new Snapshot.Cut(seal.kind(), seal.partition(), last));
            }
        }
        return new Snapshot(app, nowMs, untilMs, label, included, List.copyOf(cuts.values()));
    }

    private static long lastOffsetUntil(Path segment, long untilMs) throws IOException {
        long[] last = {-1};
        SegmentLines.read(segment, (position, line, length) -> {
            ArchivedLine parsed = ArchivedLine.parse(line, length);
            if (parsed.timestamp() <= untilMs) {
                last[0] = parsed.offset();
            }
            return true;
        });
        return last[0];
    }
}
