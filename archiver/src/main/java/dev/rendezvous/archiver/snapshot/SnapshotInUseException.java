package dev.rendezvous.archiver.snapshot;

import java.util.List;

/** Expiry refused: a model's lineage names the snapshot as its training data, so nothing was deleted. */
public final class SnapshotInUseException extends IllegalStateException {
    private final String app;
    private final String id;
    private final List<String> models;

    SnapshotInUseException(String app, String id, String name, List<String> models) {
        super("snapshot " + id + (name == null ? "" : " (" + name + ")") + " of " + app + " is named by the lineage of "
                + String.join(", ", models) + "; it is kept and nothing was deleted (the model's training data must stay verifiable)");
        this.app = app;
        this.id = id;
        this.models = List.copyOf(models);
    }

    public String app() {
        return app;
    }

    public String id() {
        return id;
    }

    /** The models whose lineage names the snapshot, as {@code app/name/version}. */
    public List<String> models() {
        return models;
    }
}
