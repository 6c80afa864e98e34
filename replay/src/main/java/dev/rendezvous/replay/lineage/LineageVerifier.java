package dev.rendezvous.replay.lineage;

import dev.rendezvous.archive.format.snapshot.SnapshotReader;
import dev.rendezvous.archive.format.snapshot.VerifyReport;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The check to make before deploying a model whose lineage names an archive snapshot: the snapshot
 * exists in the model's application and every segment still has the hash the snapshot recorded.
 */
public final class LineageVerifier {
    private final SnapshotReader snapshots;

    public LineageVerifier(Path archiveDir) {
        this.snapshots = new SnapshotReader(archiveDir);
    }

    /**
     * Verifies the training-data snapshot of {@code manifest}; empty when its lineage names none.
     *
     * @throws IOException naming the model and the snapshot when it is missing or does not verify
     */
    public Optional<VerifyReport> verify(ModelManifest manifest) throws IOException {
        Optional<String> id = TrainingDataReference.snapshotIdIn(manifest.lineage().trainingData());
        if (id.isEmpty()) {
            return Optional.empty();
        }
        VerifyReport report;
        try {
            report = snapshots.verify(manifest.app(), id.get());
        } catch (NoSuchFileException e) {
            throw new IOException("model " + manifest.ref() + " was trained on snapshot " + id.get() + " of app " + manifest.app()
                    + ", which this archive does not have: " + e.getMessage(), e);
        }
        if (!report.ok()) {
            throw new IOException("model " + manifest.ref() + " was trained on snapshot " + id.get() + ", which no longer verifies: "
                    + (report.manifestIntact() ? "" : "its manifest changed; ") + report.mismatches());
        }
        return Optional.of(report);
    }
}
