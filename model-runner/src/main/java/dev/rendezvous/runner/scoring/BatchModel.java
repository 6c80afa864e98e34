package dev.rendezvous.runner.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A loaded model version that scores a batch of FLOAT feature rows in one call. This is the seam
 * between request handling and a runtime (ONNX today; Java models and remote OIP servers later).
 */
public interface BatchModel extends AutoCloseable {

    /** The model's output names, in the model's order; the first is where labels apply by default. */
    List<String> outputNames();

    /**
     * Scores {@code rows} (each in the manifest's feature order) and returns one JSON object per row,
     * keyed by output name, holding that row's slice of each output.
     *
     * @throws ModelFailureException when the model cannot score the batch; every request in it fails
     */
    List<ObjectNode> score(float[][] rows) throws ModelFailureException;

    @Override
    void close();
}
