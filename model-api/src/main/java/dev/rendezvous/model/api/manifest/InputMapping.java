package dev.rendezvous.model.api.manifest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a request's named features become the model's input: one FLOAT row for {@code tensor}, column
 * i holding feature {@code features[i]}. The order is the model's column order, not the request's.
 */
public record InputMapping(String tensor, List<String> features) {
    public InputMapping {
        ManifestFields.requireText("input.tensor", tensor, "the name of the model's input tensor, e.g. input");
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("input.features is " + (features == null ? "missing" : "empty")
                    + "; expected the feature names in the model's column order");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < features.size(); i++) {
            String feature = features.get(i);
            ManifestFields.requireText("input.features[" + i + "]", feature, "a feature name");
            if (!seen.add(feature)) {
                throw new IllegalArgumentException("input.features[" + i + "] '" + feature + "' is listed twice; expected each feature once");
            }
        }
        features = List.copyOf(features);
    }
}
