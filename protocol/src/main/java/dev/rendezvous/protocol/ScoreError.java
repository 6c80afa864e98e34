package dev.rendezvous.protocol;

import java.util.Objects;

/**
 * Why a model produced no output for a request. Errors are data: the rendezvous stops waiting for a
 * model that reported one.
 *
 * @param code    a stable machine-readable code, e.g. {@code invalid-input}, {@code expired-before-start}
 * @param message what went wrong, for people
 */
public record ScoreError(String code, String message) {
    public static final String INVALID_INPUT = "invalid-input";
    public static final String EXPIRED_BEFORE_START = "expired-before-start";
    public static final String MODEL_FAILURE = "model-failure";

    public ScoreError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
