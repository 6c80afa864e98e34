package dev.rendezvous.archiver.trace;

/**
 * Which archived records {@code query} streams: one kind of an application, by Kafka timestamp in
 * [{@code fromMs}, {@code toMs}), optionally only those whose value names a model or a reason.
 *
 * @param kind   {@code decoy}, {@code scores} or {@code results}
 * @param model  keep records whose value's {@code model} is this; null for any (scores, results)
 * @param reason keep records whose value's {@code reason} is this; null for any (results)
 */
public record Query(String app, String kind, long fromMs, long toMs, String model, String reason) {

    public Query {
        if (!"decoy".equals(kind) && !"scores".equals(kind) && !"results".equals(kind)) {
            throw new IllegalArgumentException("query kind is '" + kind + "'; expected decoy, scores or results");
        }
        if (fromMs > toMs) {
            throw new IllegalArgumentException("query from (" + fromMs + ") is after to (" + toMs + ")");
        }
    }

    boolean filtersValues() {
        return model != null || reason != null;
    }
}
