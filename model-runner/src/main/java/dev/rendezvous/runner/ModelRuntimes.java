package dev.rendezvous.runner;

import dev.rendezvous.runner.manifest.ModelManifest;
import dev.rendezvous.runner.onnx.OnnxModel;
import dev.rendezvous.runner.scoring.BatchModel;

/** Loads a manifest's model with the runtime it names. */
final class ModelRuntimes {
    private ModelRuntimes() {
    }

    static BatchModel load(ModelManifest manifest) {
        // Exhaustive over the closed set: a new runtime does not compile until it is handled here.
        return switch (manifest.runtime()) {
            case ONNX -> OnnxModel.load(manifest);
        };
    }
}
