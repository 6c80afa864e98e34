package dev.rendezvous.protocol;

import java.util.Objects;

/**
 * Why a model produced no output for a request. Errors are data: the rendezvous stops waiting for a
 * model that reported one.
 *
 * @param code    a stable machine-readable code, e.g. {@code invalid-input}, {@code expired-before-start},
 *                {@code model-failure}, {@code call-timeout}
 * @param message what went wrong, for people
 */
public record ScoreError(String code, String message) {
    public static final String INVALID_INPUT = "invalid-input";
    public static final String EXPIRED_BEFORE_START = "expired-before-start";
    public static final String MODEL_FAILURE = "model-failure";
    /**
     * The model call did not return within the manifest's {@code callTimeoutMs}. Not {@code timeout},
     * which is a decision's outcome (no answer by the deadline) in the same archive.
     */
    public static final String CALL_TIMEOUT = "call-timeout";

    public ScoreError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
