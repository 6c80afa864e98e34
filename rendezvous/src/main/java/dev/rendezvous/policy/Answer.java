package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import java.util.Objects;

/**
 * One model's answer in a request's mailbox: an output or an error code, and when it reached the
 * rendezvous.
 *
 * @param arrivalMs offset since receipt at which the answer arrived; never negative
 * @param output    the model's output; null when it reported an error
 * @param errorCode the error the model reported, e.g. {@code model-failure}; null when it answered
 */
public record Answer(ModelRef model, ModelRole role, long arrivalMs, JsonNode output, String errorCode) {
    public Answer {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(role, "role");
        if (arrivalMs < 0) {
            throw new IllegalArgumentException(model + ": arrival offset must not be negative, was " + arrivalMs + "ms");
        }
        if ((output == null) == (errorCode == null)) {
            throw new IllegalArgumentException(model + ": an answer carries exactly one of output and error code");
        }
    }

    /** A successful answer. */
    public static Answer ok(ModelRef model, ModelRole role, long arrivalMs, JsonNode output) {
        return new Answer(model, role, arrivalMs, output, null);
    }

    /** A reported error: the model will not answer this request. */
    public static Answer failed(ModelRef model, ModelRole role, long arrivalMs, String errorCode) {
        return new Answer(model, role, arrivalMs, null, errorCode);
    }

    public boolean succeeded() {
        return output != null;
    }
}
