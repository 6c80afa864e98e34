package dev.rendezvous.archiver.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archive.format.segment.ArchiveNames;
import dev.rendezvous.archive.format.segment.SegmentSeal;
import dev.rendezvous.archive.format.snapshot.Snapshot;
import dev.rendezvous.archiver.segment.DurableFiles;
import dev.rendezvous.archiver.trace.ControlHistory;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expires a snapshot: removes its manifest and its names, never a segment (retention deletes
 * segments, and it keeps every one a remaining snapshot references). Refused, with nothing deleted,
 * when a model's lineage in the archived registry names the snapshot: that model's training data
 * must stay verifiable ({@code lineage verify}) for as long as the archive holds the model.
 */
public final class SnapshotExpiry {
    private final SnapshotStore store;
    private final ControlHistory control;

    public SnapshotExpiry(Path archiveDir) {
        this.store = new SnapshotStore(archiveDir);
        this.control = new ControlHistory(archiveDir);
    }

    /**
     * Expires the snapshot {@code idOrName} of {@code app}.
     *
     * @throws NoSuchFileException     when the app has no such snapshot or name
     * @throws SnapshotInUseException  when a model's lineage names it (nothing is deleted)
     */
    public ExpiryReport expire(String app, String idOrName, boolean dryRun) throws IOException {
        ArchiveNames.requireApp(app);
        try (AppLock lock = AppLock.acquire(store.snapshotsDir(app))) {
            return expireLocked(app, idOrName, dryRun);
        }
    }

    /** As {@link #expire}, for a caller that holds the app's lock already. */
    ExpiryReport expireLocked(String app, String idOrName, boolean dryRun) throws IOException {
        String id = store.resolve(app, idOrName);
        Snapshot snapshot = store.show(app, id);
        SnapshotNames names = new SnapshotNames(store.snapshotsDir(app));
        List<String> pointing = new ArrayList<>();
        names.all().forEach((name, target) -> {
            if (target.equals(id)) {
                pointing.add(name);
            }
        });
        List<String> models = modelsNaming(app, id);
        if (!models.isEmpty()) {
            throw new SnapshotInUseException(app, id, pointing.isEmpty() ? null : pointing.get(0), models);
        }
        Set<String> stillReferenced = store.referencedSegmentsExcept(app, id);
        List<String> released = snapshot.segments().stream().map(SegmentSeal::relativePath)
                .filter(path -> !stillReferenced.contains(path)).distinct().toList();
        if (!dryRun) {
            // Names first: a name without its manifest would resolve to nothing, a manifest without a name is still a snapshot.
            for (String name : pointing) {
                names.delete(name);
            }
            Path manifest = store.snapshotsDir(app).resolve(id + ".json");
            Files.deleteIfExists(manifest);
            DurableFiles.syncDirectory(manifest.getParent());
        }
        return new ExpiryReport(app, id, dryRun, pointing, released);
    }

    /**
     * The models ({@code app/name/version}) whose newest archived registry entry has a lineage naming
     * {@code snapshot:<id>}, whatever their role: a retired model's decisions are still in the archive
     * and {@code archive trace} still leads to its lineage.
     */
    public List<String> modelsNaming(String app, String id) throws IOException {
        Map<ModelRef, ModelRegistration> newest = new LinkedHashMap<>();
        for (ControlHistory.RegistryEntry entry : control.registry(app)) {
            newest.put(entry.registration().ref(), entry.registration());
        }
        String reference = "snapshot:" + id;
        List<String> models = new ArrayList<>();
        for (ModelRegistration registration : newest.values()) {
            if (mentions(registration.lineage(), reference)) {
                models.add(app + "/" + registration.name() + "/" + registration.version());
            }
        }
        return models;
    }

    /** Any text in the lineage ({@code trainingData}, {@code rawData}, …) that names the snapshot as a whole word. */
    private static boolean mentions(JsonNode node, String reference) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            for (String word : node.asText().split("\\s+")) {
                if (word.equals(reference)) {
                    return true;
                }
            }
            return false;
        }
        for (JsonNode child : node) {
            if (mentions(child, reference)) {
                return true;
            }
        }
        return false;
    }

}
