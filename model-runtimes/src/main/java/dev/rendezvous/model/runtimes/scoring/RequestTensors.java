package dev.rendezvous.model.runtimes.scoring;

import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.InputMapping;
import dev.rendezvous.model.runtimes.tensor.TensorJson;
import dev.rendezvous.model.runtimes.tensor.TensorMismatchException;
import dev.rendezvous.protocol.ScoringRequest;
import dev.rendezvous.protocol.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a request into the model's input tensors, from either form: named scalar {@code features}
 * (through the manifest's input mapping) or OIP tensors ({@code inputs}), checked against the
 * model's signature. Also says whether the request can share a model call with others.
 */
public final class RequestTensors {
    /** The form a request came in; its outputs go back in the same form. */
    public enum Form { FEATURES, TENSORS }

    /**
     * A request's inputs, by name in the model's order.
     *
     * @param stackKey requests with equal non-null keys can be stacked along dimension 0 into one call;
     *                 null: this request is scored on its own
     * @param rows     size of dimension 0 of every input when stackable
     */
    public record Prepared(Form form, Map<String, TensorValue> inputs, String stackKey, int rows) {
    }

    private final Signature signature;
    private final FeatureRows featureRows;
    private final boolean stackable;

    /**
     * @param mapping  the manifest's features mapping, or null when the model takes tensors only
     * @param stacking whether the runtime takes stacked requests at all
     */
    public RequestTensors(Signature signature, InputMapping mapping, boolean stacking) {
        this.signature = signature;
        this.featureRows = mapping == null ? null : new FeatureRows(mapping, signature);
        this.stackable = stacking && signature.batchesAlongFirstDimension();
    }

    public Prepared prepare(ScoringRequest request) throws InvalidInputException {
        Map<String, TensorValue> inputs = new LinkedHashMap<>();
        Form form;
        if (request.features() != null) {
            if (featureRows == null) {
                throw new InvalidInputException("this model takes tensors, not named features: send 'inputs' with " + expected());
            }
            inputs.put(featureRows.tensorName(), featureRows.row(request.features()));
            form = Form.FEATURES;
        } else {
            decodeTensors(request.inputs(), inputs);
            form = Form.TENSORS;
        }
        return new Prepared(form, inputs, stackKey(inputs), rows(inputs));
    }

    private void decodeTensors(List<Tensor> given, Map<String, TensorValue> into) throws InvalidInputException {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Tensor tensor : given) {
            if (signature.input(tensor.name()).isEmpty()) {
                throw new InvalidInputException("input '" + tensor.name() + "' is not an input of this model; it takes " + expected());
            }
            if (byName.put(tensor.name(), tensor) != null) {
                throw new InvalidInputException("input '" + tensor.name() + "' is given twice");
            }
        }
        for (TensorSpec spec : signature.inputs()) {
            Tensor tensor = byName.get(spec.name());
            if (tensor == null) {
                throw new InvalidInputException("input '" + spec.name() + "' is missing; this model takes " + expected());
            }
            try {
                into.put(spec.name(), TensorJson.decode(tensor, spec));
            } catch (TensorMismatchException e) {
                throw new InvalidInputException(e.getMessage());
            }
        }
    }

    /** Inputs of equal shape beyond dimension 0, with one common row count, stack; anything else is scored alone. */
    private String stackKey(Map<String, TensorValue> inputs) {
        if (!stackable || rows(inputs) < 0) {
            return null;
        }
        StringBuilder key = new StringBuilder();
        for (TensorValue value : inputs.values()) {
            long[] shape = value.shape();
            key.append(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length))).append(';');
        }
        return key.toString();
    }

    private static int rows(Map<String, TensorValue> inputs) {
        long rows = -1;
        for (TensorValue value : inputs.values()) {
            if (value.rank() == 0 || (rows >= 0 && value.dim(0) != rows)) {
                return -1;
            }
            rows = value.dim(0);
        }
        return (int) rows;
    }

    private String expected() {
        StringBuilder text = new StringBuilder();
        for (TensorSpec spec : signature.inputs()) {
            text.append(text.length() == 0 ? "" : ", ").append(spec.name()).append(' ').append(spec.describe());
        }
        return text.toString();
    }
}
