package dev.rendezvous.gateway;

/**
 * A request the gateway refuses: the HTTP status, what is wrong and where (e.g. {@code body.features},
 * {@code header X-Deadline-Ms}, {@code path app}).
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String where;

    ApiError(int status, String message, String where) {
        super(message, null, false, false);
        this.status = status;
        this.where = where;
    }

    int status() {
        return status;
    }

    String where() {
        return where;
    }
}
