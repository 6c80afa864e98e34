package dev.rendezvous.policy;

import dev.rendezvous.protocol.ModelRef;
import java.util.Set;

/**
 * What the decision needs to know about a request besides its answers.
 *
 * @param deadlineMs  the request's effective deadline, see {@link Policy#effectiveDeadlineMs}; a longer one is cut to the policy's
 * @param expected    the members that may still answer: registered for the app and alive; nobody else is waited for
 * @param pinnedModel the only model the caller allows to be served, or null when not pinned
 */
public record RequestContext(String requestId, long deadlineMs, Set<Member> expected, ModelRef pinnedModel) {
    public RequestContext {
        if (requestId == null) {
            throw new IllegalArgumentException("request id is missing");
        }
        if (deadlineMs < 0) {
            throw new IllegalArgumentException("request " + requestId + ": deadline must not be negative, was " + deadlineMs + "ms");
        }
        expected = expected == null ? Set.of() : Set.copyOf(expected);
    }
}
