package dev.rendezvous.model.api.manifest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the model's output means, when known: {@code labels[j]} names column j of output {@code tensor}
 * (the first output when not given). Both are optional; without labels the runner reports raw outputs only.
 */
public record OutputMapping(String tensor, List<String> labels) {
    public OutputMapping {
        if (tensor != null) {
            ManifestFields.requireText("output.tensor", tensor, "the name of one of the model's outputs");
        }
        labels = labels == null ? List.of() : List.copyOf(labels);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            ManifestFields.requireText("output.labels[" + i + "]", labels.get(i), "a label name");
            if (!seen.add(labels.get(i))) {
                throw new IllegalArgumentException("output.labels[" + i + "] '" + labels.get(i) + "' is listed twice; expected each label once");
            }
        }
    }

    public static OutputMapping none() {
        return new OutputMapping(null, List.of());
    }
}
