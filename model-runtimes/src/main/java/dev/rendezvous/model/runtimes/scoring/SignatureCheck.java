package dev.rendezvous.model.runtimes.scoring;

import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.util.List;

/** Checks a manifest's input and output mappings against the signature its model reports, at load. */
public final class SignatureCheck {
    private SignatureCheck() {
    }

    /** @throws ModelLoadException naming the manifest field and what the model has instead */
    public static void check(ModelManifest manifest, Signature signature) {
        try {
            if (manifest.input() != null) {
                new FeatureRows(manifest.input(), signature);
            }
            checkOutput(manifest, signature);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(manifest, e.getMessage(), null);
        }
    }

    private static void checkOutput(ModelManifest manifest, Signature signature) {
        String name = manifest.output().tensor();
        if (name != null && signature.output(name).isEmpty()) {
            throw new IllegalArgumentException("output.tensor '" + name + "' is not an output of the model; its outputs are "
                    + signature.outputNames());
        }
        List<String> labels = manifest.output().labels();
        TensorSpec labelled = name != null ? signature.output(name).orElseThrow() : signature.outputs().get(0);
        List<Long> shape = labelled.shape();
        long width = shape.size() == 2 ? shape.get(1) : TensorSpec.DYNAMIC;
        if (!labels.isEmpty() && width != TensorSpec.DYNAMIC && width != labels.size()) {
            throw new IllegalArgumentException("output.labels lists " + labels.size() + " labels but output '" + labelled.name()
                    + "' has " + width + " columns");
        }
    }
}
