package dev.rendezvous.model.runtimes.scoring;

import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A loaded model version as the scorer sees it, whatever its runtime (ONNX, Java plug-in, remote OIP
 * server): a signature and a call from input tensors to output tensors.
 */
public interface BatchModel extends AutoCloseable {

    /**
     * What one call did: its outputs, or why it failed, and how long it took.
     *
     * @param timedOut whether it failed because it exceeded the manifest's {@code callTimeoutMs}
     */
    record Inference(Map<String, TensorValue> outputs, String failure, long micros, boolean timedOut) {
        public Inference(Map<String, TensorValue> outputs, String failure, long micros) {
            this(outputs, failure, micros, false);
        }
    }

    /** The model's inputs and outputs; fixed once loaded. */
    Signature signature();

    /**
     * Runs one call. When the signature batches along dimension 0, the inputs may hold the stacked
     * rows of several requests, and every output must have one row per input row.
     *
     * @param deadlineAtMs the earliest deadline of the requests in the call, epoch milliseconds
     * @throws ModelFailureException when the model cannot score the inputs; every request in the call fails
     */
    Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException;

    /**
     * Runs independent calls, one per request, returning one {@link Inference} each in order. The
     * default runs them one after another; a runtime that waits on the network runs them concurrently.
     */
    default List<Inference> inferEach(List<Map<String, TensorValue>> inputs, List<Long> deadlinesAtMs) {
        List<Inference> results = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            long begin = System.nanoTime();
            try {
                Map<String, TensorValue> outputs = infer(inputs.get(i), deadlinesAtMs.get(i));
                results.add(new Inference(outputs, null, (System.nanoTime() - begin) / 1_000));
            } catch (ModelFailureException | RuntimeException e) {
                results.add(new Inference(null, e.getMessage() != null ? e.getMessage() : e.toString(), (System.nanoTime() - begin) / 1_000,
                        e instanceof CallTimeoutException));
            }
        }
        return results;
    }

    /**
     * Whether {@link #inferEach} runs its calls concurrently (so that it takes about as long as its
     * slowest call), rather than one after another as the default does.
     */
    default boolean callsEachConcurrently() {
        return false;
    }

    /**
     * Whether the requests of a poll may be stacked into one call when the signature allows it; a
     * runtime that forwards each request on its own (remote) says no.
     */
    default boolean stacksRequests() {
        return true;
    }

    @Override
    void close();
}
