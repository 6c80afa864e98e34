package dev.rendezvous.archive.format.snapshot;

import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.segment.ManifestJson;
import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.segment.SegmentSeals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Lists, shows and verifies the snapshots in an archive directory ({@code <app>/snapshots/<id>.json},
 * the id being the SHA-256 of the manifest's canonical bytes); reads only. Creating, exporting and
 * expiring snapshots is the archiver's {@code SnapshotStore}, which reads through this class.
 */
public final class SnapshotReader {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    private final Path archiveDir;

    public SnapshotReader(Path archiveDir) {
        this.archiveDir = archiveDir;
    }

    /** Every snapshot of {@code app}, oldest first. */
    public List<SnapshotSummary> list(String app) throws IOException {
        Path dir = snapshotsDir(app);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<SnapshotSummary> summaries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(SnapshotReader::isManifest).toList()) {
                String id = idOf(file);
                summaries.add(SnapshotSummary.of(id, ManifestJson.read(file, Snapshot.class)));
            }
        }
        summaries.sort(Comparator.comparingLong(SnapshotSummary::createdAtMs).thenComparing(SnapshotSummary::id));
        return summaries;
    }

    /** The snapshot with {@code id}, looked for in {@code app} or, when null, in every application. */
    public Snapshot show(String app, String id) throws IOException {
        return ManifestJson.read(manifestPath(app, id), Snapshot.class);
    }

    /** Re-hashes the manifest and every segment it references. */
    public VerifyReport verify(String app, String id) throws IOException {
        Path file = manifestPath(app, id);
        boolean intact = LineEncoder.sha256(Files.readAllBytes(file)).equals(id);
        Snapshot snapshot = ManifestJson.read(file, Snapshot.class);
        Path appDir = appDir(snapshot.app());
        List<VerifyReport.Mismatch> mismatches = new ArrayList<>();
        for (SegmentSeal seal : snapshot.segments()) {
            Path segment = SegmentCatalog.path(appDir, seal);
            String actual;
            try {
                actual = SegmentSeals.sha256(segment);
            } catch (NoSuchFileException e) {
                actual = null;
            }
            if (!seal.sha256().equals(actual)) {
                mismatches.add(new VerifyReport.Mismatch(seal.relativePath(), seal.sha256(), actual));
            }
        }
        return new VerifyReport(id, snapshot.app(), intact, snapshot.segments().size(), mismatches);
    }

    /** The application that holds snapshot {@code id}. */
    public String appOf(String id) throws IOException {
        requireId(id);
        for (String app : SegmentCatalog.apps(archiveDir)) {
            if (Files.exists(snapshotsDir(app).resolve(id + ".json"))) {
                return app;
            }
        }
        throw new NoSuchFileException("no snapshot " + id + " in " + archiveDir);
    }

    /** Where {@code app}'s snapshot manifests (and its {@code names/}) live. */
    public Path snapshotsDir(String app) {
        return appDir(app).resolve("snapshots");
    }

    /**
     * The manifest file of snapshot {@code id} of {@code app} (when null, of whichever application holds it).
     *
     * @throws NoSuchFileException naming the app when there is no such snapshot
     */
    public Path manifestPath(String app, String id) throws IOException {
        requireId(id);
        Path file = snapshotsDir(app == null ? appOf(id) : app).resolve(id + ".json");
        if (!Files.exists(file)) {
            throw new NoSuchFileException("no snapshot " + id + " of " + app + " (" + file + ")");
        }
        return file;
    }

    /** Whether {@code text} has the form of a snapshot id: 64 lower-case hex digits. */
    public static boolean isId(String text) {
        return text != null && ID.matcher(text).matches();
    }

    private Path appDir(String app) {
        ArchiveNames.requireApp(app);
        return archiveDir.resolve(app);
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") && ID.matcher(name.substring(0, name.length() - 5)).matches();
    }

    private static String idOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - 5);
    }

    private static void requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("snapshot id '" + id + "' is not 64 lower-case hex digits");
        }
    }
}
