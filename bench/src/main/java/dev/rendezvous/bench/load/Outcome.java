package dev.rendezvous.bench.load;

/** What became of one scheduled request. */
public enum Outcome {
    /** HTTP 200 (or the record came out of the last Kafka hop). */
    ANSWERED,
    /** HTTP 504: the platform answered with its explicit timeout. */
    TIMED_OUT,
    /** HTTP 503: the gateway shed the request (load shedding, Retry-After). */
    SHED,
    /** Any other status, a connection error, or no answer at all. */
    FAILED,
    /** Never sent: the client already had the maximum number of requests outstanding. */
    DROPPED_BY_CLIENT;

    static Outcome ofStatus(int status) {
        return switch (status) {
            case 200 -> ANSWERED;
            case 504 -> TIMED_OUT;
            case 503 -> SHED;
            default -> FAILED;
        };
    }
}
