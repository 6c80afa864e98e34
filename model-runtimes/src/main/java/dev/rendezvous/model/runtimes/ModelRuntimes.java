package dev.rendezvous.model.runtimes;

import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.onnx.OnnxModel;
import dev.rendezvous.model.runtimes.plugin.PluginModel;
import dev.rendezvous.model.runtimes.remote.RemoteOipModel;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.SignatureCheck;

/** Loads a manifest's model with the runtime it names, and checks the manifest's mappings against it. */
public final class ModelRuntimes {
    private ModelRuntimes() {
    }

    /** @throws dev.rendezvous.model.runtimes.scoring.ModelLoadException when the model does not load as the manifest describes it */
    public static BatchModel load(ModelManifest manifest) {
        // Exhaustive over the closed set: a new runtime does not compile until it is handled here.
        BatchModel model = switch (manifest.runtime()) {
            case ONNX -> OnnxModel.load(manifest);
            case JAVA -> PluginModel.load(manifest);
            case REMOTE_OIP -> RemoteOipModel.load(manifest);
        };
        try {
            SignatureCheck.check(manifest, model.signature());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
