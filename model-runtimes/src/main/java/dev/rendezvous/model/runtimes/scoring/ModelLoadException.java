package dev.rendezvous.model.runtimes.scoring;

import dev.rendezvous.model.api.manifest.ModelManifest;

/** A model that cannot be loaded as its manifest describes it; the message names the model and the problem. */
public class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(ModelManifest manifest, String problem, Throwable cause) {
        super("model " + manifest.ref() + " (app " + manifest.app() + "): " + problem, cause);
    }
}
