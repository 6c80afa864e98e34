package dev.rendezvous.model.api;

import java.util.Map;

/**
 * A model written in Java, run in-process by a model runner ({@code runtime: java}). Implementations
 * have a public no-argument constructor and are listed in the plug-in jar's
 * {@code META-INF/services/dev.rendezvous.model.api.Model}; the runner loads them with
 * {@link java.util.ServiceLoader}.
 *
 * <p>{@link #predict} gets whole batches: when every input and output of the {@link #signature()}
 * has a dynamic first dimension ({@code -1}), the runner stacks the rows of several requests along
 * dimension 0 and expects every output to have one row per input row, in the same order. Inputs
 * have already been checked against the signature (names, types and shapes). It is called from one
 * thread at a time.
 */
public interface Model extends AutoCloseable {

    /** The inputs this model takes and the outputs it returns; asked once, at load. */
    Signature signature();

    /**
     * Scores one batch.
     *
     * @param inputs every input of the signature, by name
     * @return every output of the signature, by name
     * @throws Exception when the batch cannot be scored; each request in it gets a {@code model-failure} score
     */
    Map<String, TensorValue> predict(Map<String, TensorValue> inputs) throws Exception;

    /** Frees what the model holds; the default does nothing. */
    @Override
    default void close() {
    }
}
