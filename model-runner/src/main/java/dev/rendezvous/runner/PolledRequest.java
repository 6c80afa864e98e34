package dev.rendezvous.runner;

import dev.rendezvous.protocol.ScoringRequest;

/**
 * A request as the host's poll decoded it, once for every version it hosts: the request, where it was
 * read (a score goes to the same partition number of the scores topic) and its trace context, if any.
 */
record PolledRequest(ScoringRequest request, String topic, int partition, long offset, String traceparent) {
}
