package dev.rendezvous.model.api;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A model's named inputs and outputs, in the model's order. */
public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public Signature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one input and one output, got inputs " + names(inputs)
                    + " and outputs " + names(outputs));
        }
        requireUnique("input", inputs);
        requireUnique("output", outputs);
    }

    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(spec -> spec.name().equals(name)).findFirst();
    }

    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(spec -> spec.name().equals(name)).findFirst();
    }

    public List<String> inputNames() {
        return names(inputs);
    }

    public List<String> outputNames() {
        return names(outputs);
    }

    /** Whether requests can be stacked along dimension 0: every input and output has a dynamic first dimension. */
    public boolean batchesAlongFirstDimension() {
        return inputs.stream().allMatch(TensorSpec::hasDynamicBatch) && outputs.stream().allMatch(TensorSpec::hasDynamicBatch);
    }

    private static List<String> names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).toList();
    }

    private static void requireUnique(String kind, List<TensorSpec> specs) {
        Set<String> seen = new HashSet<>();
        for (TensorSpec spec : specs) {
            if (!seen.add(spec.name())) {
                throw new IllegalArgumentException(kind + " '" + spec.name() + "' is listed twice");
            }
        }
    }
}
