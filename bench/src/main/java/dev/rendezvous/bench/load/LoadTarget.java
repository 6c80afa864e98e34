package dev.rendezvous.bench.load;

import java.util.concurrent.CompletionStage;

/** Something the load generator can send one request to: an HTTP endpoint or a Kafka hop chain. */
public interface LoadTarget extends AutoCloseable {

    /** Short name used in tables and JSON, e.g. {@code direct}. */
    String name();

    /**
     * Sends request number {@code sequence} without blocking and completes with the HTTP status of the
     * answer (Kafka targets complete with 200 when the record comes out of the last hop), or
     * exceptionally when no answer came.
     */
    CompletionStage<Integer> send(long sequence);

    @Override
    default void close() {
    }
}
