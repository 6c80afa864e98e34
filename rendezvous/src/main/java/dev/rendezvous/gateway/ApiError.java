package dev.rendezvous.gateway;

/**
 * A request the gateway refuses: the HTTP status, what is wrong and where (e.g. {@code body.features},
 * {@code header X-Deadline-Ms}, {@code path app}), and for a refusal under load a short {@code reason}
 * code (the {@code reason} tag of {@code rdv.gateway.shed}, e.g. {@code app-full}); null otherwise.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String where;
    private final String reason;

    ApiError(int status, String message, String where) {
        this(status, message, where, null);
    }

    ApiError(int status, String message, String where, String reason) {
        super(message, null, false, false);
        this.status = status;
        this.where = where;
        this.reason = reason;
    }

    int status() {
        return status;
    }

    String where() {
        return where;
    }

    String reason() {
        return reason;
    }
}
